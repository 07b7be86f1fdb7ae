// Reads the configuration document: from RELAY_CONFIG_FILE in local mode, from the SSM parameter named by
// RELAY_CONFIG_PARAMETER in AWS (where Terraform writes it). Kept for `maxAgeMs` (default 5 minutes), so a
// changed document reaches warm functions without a deploy. A failed first read is retried on next use; a failed
// reread (SSM throttled, a broken document written) keeps serving the last good document, reports the error
// through `onRefreshError` (the handlers log it and count `config_refresh_failed`) and is tried again after
// `retryAfterMs` (default 30 s, at most maxAge), so one bad write or outage does not fail every request.
//
// The loader parses with the parser it is given, so that each function's bundle holds only the shape it reads:
// hydrate passes parseRelayConfig (./config.ts: presets resolved, hydration and mapping validated), ingest and
// deliver parseOpaqueRelayConfig (./config-schema.ts: hydration and mapping opaque). Nothing here imports either.
import { readFile } from 'node:fs/promises';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { ConfigError } from './config-schema.ts';
import type { Logger } from './logger.ts';
import { MetricUnit, type Metrics } from './metrics.ts';

/** The configuration document as one function reads it: RelayConfig (hydrate) or OpaqueRelayConfig (ingest, deliver). */
export type LoadConfig<C> = () => Promise<C>;

/** Parses the document's text; `origin` (a file, `ssm:<name>`) names it in errors. */
export type ParseConfig<C> = (text: string, origin: string) => C;

export interface ConfigLoaderOptions {
  ssm?: SSMProvider;
  maxAgeMs?: number;
  /** After a failed reread, how long the last good document is served before the next try (default 30 s). */
  retryAfterMs?: number;
  now?: () => number;
  /** Called for each failed reread while the last good document is still served. */
  onRefreshError?: (error: unknown) => void;
}

export function createConfigLoader<C>(
  parse: ParseConfig<C>,
  env: NodeJS.ProcessEnv = process.env,
  options: ConfigLoaderOptions = {},
): LoadConfig<C> {
  const maxAgeMs = options.maxAgeMs ?? 300_000;
  const retryAfterMs = Math.min(options.retryAfterMs ?? 30_000, maxAgeMs);
  const now = options.now ?? Date.now;
  let lastGood: C | undefined;
  type Entry = { config: Promise<C>; expiresAt: number };
  let cached: Entry | undefined;

  const load = async (): Promise<C> => {
    if (env.RELAY_CONFIG_FILE) {
      return parse(await readFile(env.RELAY_CONFIG_FILE, 'utf8'), env.RELAY_CONFIG_FILE);
    }
    if (env.RELAY_CONFIG_PARAMETER) {
      const name = env.RELAY_CONFIG_PARAMETER;
      // forceFetch: this loader decides how long the document is kept.
      const text = await (options.ssm ??= new SSMProvider()).get(name, { decrypt: true, forceFetch: true });
      if (typeof text !== 'string') throw new ConfigError(`SSM parameter ${name} is empty`);
      return parse(text, `ssm:${name}`);
    }
    throw new ConfigError('neither RELAY_CONFIG_FILE nor RELAY_CONFIG_PARAMETER is set');
  };

  const reload = (entry: Entry): Promise<C> =>
    load().then(
      (config) => {
        lastGood = config;
        return config;
      },
      (error: unknown) => {
        if (!lastGood) {
          if (cached === entry) cached = undefined;
          throw error;
        }
        options.onRefreshError?.(error);
        if (cached === entry) cached = { config: Promise.resolve(lastGood), expiresAt: now() + retryAfterMs };
        return lastGood;
      },
    );

  return () => {
    if (!cached || now() > cached.expiresAt) {
      const entry = { expiresAt: now() + maxAgeMs } as Entry;
      entry.config = reload(entry);
      cached = entry;
    }
    return cached.config;
  };
}

/** The handlers' `onRefreshError`: a warning with the error and one `config_refresh_failed` count. */
export function reportRefreshError(logger: Logger, metrics: Metrics) {
  return (error: unknown) => {
    logger.warn('configuration reread failed; serving the last good document', { error });
    metrics.addMetric('config_refresh_failed', MetricUnit.Count, 1);
  };
}

export function requireEnv(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`environment variable ${name} is not set`);
  return value;
}

/** MAX_RECEIVE_COUNT: the consumed queue's redrive maxReceiveCount (Terraform and local mode set it). */
export function requireMaxReceiveCount(env: NodeJS.ProcessEnv): number {
  const value = Number(requireEnv(env, 'MAX_RECEIVE_COUNT'));
  if (!Number.isInteger(value) || value < 1 || value > 1_000)
    throw new ConfigError(`environment variable MAX_RECEIVE_COUNT must be a whole number from 1 to 1000`);
  return value;
}
