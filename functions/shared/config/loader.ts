// Reads the configuration document: from RELAY_CONFIG_FILE in local mode, from SSM in AWS, where Terraform writes
// it split per source (readSsmDocument, docs/adr/0025-configuration-layout-and-source-isolation.md): the parameter
// named by RELAY_CONFIG_PARAMETER holds version, klaviyo and ingest, and each source's part is the parameter
// `<RELAY_CONFIG_PARAMETER>/sources/<source>`. Kept for `maxAgeMs` (default 5 minutes), so a
// changed document reaches warm functions without a deploy. A failed first read is retried on next use; a failed
// reread (SSM throttled, a broken document written) keeps serving the last good document, reports the error
// through `onRefreshError` (the handlers log it and count `config_refresh_failed`) and is tried again after
// `retryAfterMs` (default 30 s, at most maxAge), so one bad write or outage does not fail every request.
//
// The loader parses with the parser it is given, so that each function's bundle holds only the shape it reads:
// hydrate passes parseRelayConfigPerSource (./relay-config.ts: presets resolved, hydration and mapping validated), ingest
// and deliver parseOpaqueRelayConfigPerSource (./opaque-relay-config.ts: hydration and mapping opaque); both validate one
// source at a time, so that a refused part stops its own source only. Nothing here imports either.
import { readFile } from 'node:fs/promises';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { ConfigError, type SourceRefusals } from './document-validation.ts';
import type { Logger } from '../logger.ts';
import { MetricUnit, type Metrics } from '../metrics.ts';
import { isPlainObject } from '../json/is-plain-object.ts';

/** The configuration document as one function reads it: RelayConfig (hydrate) or OpaqueRelayConfig (ingest, deliver). */
export type LoadConfig<C> = () => Promise<C>;

/** Parses the document's text; `origin` (a file, `ssm:<name>`) names it in errors. */
export type ParseConfig<C> = (text: string, origin: string) => C;

export interface ConfigLoaderOptions<C = unknown> {
  ssm?: SsmReader;
  maxAgeMs?: number;
  /** After a failed reread, how long the last good document is served before the next try (default 30 s). */
  retryAfterMs?: number;
  now?: () => number;
  /** Called for each failed reread while the last good document is still served. */
  onRefreshError?: (error: unknown) => void;
  /** Called with each document read and parsed (the handlers report the sources it refused). */
  onLoaded?: (config: C) => void;
}

/**
 * Where the sources' parts of the document live: `/<parameter>/sources`, each part a parameter under it named by
 * its source (a leading `/` is added, as SSM requires of a name with a hierarchy; terraform/config.tf agrees).
 */
export const sourcePartsPath = (parameter: string): string => `/${parameter.replace(/^\//, '')}/sources`;

/** What readSsmDocument needs of Powertools' SSMProvider. */
export type SsmReader = Pick<SSMProvider, 'get' | 'getMultiple'>;

/**
 * The document as one JSON text, read from SSM: the parameter `name` (version, klaviyo, ingest; sources it holds
 * itself are kept) and each source's part under `<name>/sources/` (GetParametersByPath, paged). A part that is not
 * JSON is kept as its text, so that the schema refuses that source alone.
 */
export async function readSsmDocument(ssm: SsmReader, name: string): Promise<string> {
  const [rootText, parts] = await Promise.all([
    ssm.get(name, { decrypt: true, forceFetch: true }),
    ssm.getMultiple(sourcePartsPath(name), { decrypt: true, forceFetch: true, recursive: false }),
  ]);
  if (typeof rootText !== 'string') throw new ConfigError(`SSM parameter ${name} is empty`);
  let root: unknown;
  try {
    root = JSON.parse(rootText);
  } catch (error) {
    throw new ConfigError(`ssm:${name}: not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(root)) return rootText;
  const sources: Record<string, unknown> = { ...((root as { sources?: object }).sources ?? {}) };
  for (const [source, text] of Object.entries(parts ?? {})) {
    try {
      sources[source] = JSON.parse(String(text));
    } catch {
      sources[source] = String(text);
    }
  }
  return JSON.stringify({ ...root, sources });
}

/**
 * The document's JSON text as stored now, and where it came from: RELAY_CONFIG_FILE, else the parameters under
 * RELAY_CONFIG_PARAMETER (readSsmDocument; never a cached copy: the loader decides how long one is kept).
 */
export async function readConfigDocument(
  env: NodeJS.ProcessEnv,
  options: { ssm?: SsmReader } = {},
): Promise<{ text: string; origin: string }> {
  if (env.RELAY_CONFIG_FILE)
    return { text: await readFile(env.RELAY_CONFIG_FILE, 'utf8'), origin: env.RELAY_CONFIG_FILE };
  if (env.RELAY_CONFIG_PARAMETER) {
    const name = env.RELAY_CONFIG_PARAMETER;
    return { text: await readSsmDocument((options.ssm ??= new SSMProvider()), name), origin: `ssm:${name}` };
  }
  throw new ConfigError('neither RELAY_CONFIG_FILE nor RELAY_CONFIG_PARAMETER is set');
}

export function createConfigLoader<C>(
  parse: ParseConfig<C>,
  env: NodeJS.ProcessEnv = process.env,
  options: ConfigLoaderOptions<C> = {},
): LoadConfig<C> {
  const maxAgeMs = options.maxAgeMs ?? 300_000;
  const retryAfterMs = Math.min(options.retryAfterMs ?? 30_000, maxAgeMs);
  const now = options.now ?? Date.now;
  let lastGood: C | undefined;
  type Entry = { config: Promise<C>; expiresAt: number };
  let cached: Entry | undefined;

  const load = async (): Promise<C> => {
    const { text, origin } = await readConfigDocument(env, options);
    return parse(text, origin);
  };

  const reload = (entry: Entry): Promise<C> =>
    load().then(
      (config) => {
        lastGood = config;
        options.onLoaded?.(config);
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

/**
 * The handlers' `onLoaded`: each source whose part was refused, logged with its problems and counted
 * (`source_config_refused`, one per refused part and read: the alarm in terraform/alarms.tf watches it).
 */
export function reportRefusedSources(logger: Logger, metrics: Metrics) {
  return (config: SourceRefusals) => {
    const refused = Object.entries(config.refused_sources ?? {});
    for (const [source, problems] of refused)
      logger.error('the configuration of a source is invalid; its webhooks wait until it is fixed', {
        source,
        problems,
      });
    if (refused.length > 0) metrics.addMetric('source_config_refused', MetricUnit.Count, refused.length);
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
