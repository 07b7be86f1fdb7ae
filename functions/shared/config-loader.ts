// Reads the configuration document: from RELAY_CONFIG_FILE in local mode, from the SSM parameter named by
// RELAY_CONFIG_PARAMETER in AWS (where Terraform writes it). Kept for `maxAgeMs` (default 5 minutes), so a
// changed document reaches warm functions without a deploy, and a failed read is retried on next use.
import { readFile } from 'node:fs/promises';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { ConfigError, parseRelayConfig, type RelayConfig } from './config.ts';

export type LoadConfig = () => Promise<RelayConfig>;

export interface ConfigLoaderOptions {
  ssm?: SSMProvider;
  maxAgeMs?: number;
  now?: () => number;
}

export function createConfigLoader(
  env: NodeJS.ProcessEnv = process.env,
  options: ConfigLoaderOptions = {},
): LoadConfig {
  const maxAgeMs = options.maxAgeMs ?? 300_000;
  const now = options.now ?? Date.now;
  let cached: { config: Promise<RelayConfig>; loadedAt: number } | undefined;

  const load = async (): Promise<RelayConfig> => {
    if (env.RELAY_CONFIG_FILE) {
      return parseRelayConfig(await readFile(env.RELAY_CONFIG_FILE, 'utf8'), env.RELAY_CONFIG_FILE);
    }
    if (env.RELAY_CONFIG_PARAMETER) {
      const name = env.RELAY_CONFIG_PARAMETER;
      // forceFetch: this loader decides how long the document is kept.
      const text = await (options.ssm ??= new SSMProvider()).get(name, { decrypt: true, forceFetch: true });
      if (typeof text !== 'string') throw new ConfigError(`SSM parameter ${name} is empty`);
      return parseRelayConfig(text, `ssm:${name}`);
    }
    throw new ConfigError('neither RELAY_CONFIG_FILE nor RELAY_CONFIG_PARAMETER is set');
  };

  return () => {
    if (!cached || now() - cached.loadedAt > maxAgeMs) {
      const entry = { config: load(), loadedAt: now() };
      entry.config.catch(() => {
        if (cached === entry) cached = undefined;
      });
      cached = entry;
    }
    return cached.config;
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
