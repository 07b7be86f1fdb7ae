// Reads the configuration document once per cold start: from RELAY_CONFIG_FILE in local mode, from the
// SSM parameter named by RELAY_CONFIG_PARAMETER in AWS (where Terraform writes it).
import { readFile } from 'node:fs/promises';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { ConfigError, parseRelayConfig, type RelayConfig } from './config.ts';

export type LoadConfig = () => Promise<RelayConfig>;

export function createConfigLoader(env: NodeJS.ProcessEnv = process.env, ssm?: SSMProvider): LoadConfig {
  let cached: Promise<RelayConfig> | undefined;
  const load = async (): Promise<RelayConfig> => {
    if (env.RELAY_CONFIG_FILE) {
      return parseRelayConfig(await readFile(env.RELAY_CONFIG_FILE, 'utf8'), env.RELAY_CONFIG_FILE);
    }
    if (env.RELAY_CONFIG_PARAMETER) {
      const name = env.RELAY_CONFIG_PARAMETER;
      const text = await (ssm ?? new SSMProvider()).get(name, { decrypt: true, maxAge: 300 });
      if (typeof text !== 'string') throw new ConfigError(`SSM parameter ${name} is empty`);
      return parseRelayConfig(text, `ssm:${name}`);
    }
    throw new ConfigError('neither RELAY_CONFIG_FILE nor RELAY_CONFIG_PARAMETER is set');
  };
  return () => {
    // A failed load is not cached, so the next invocation tries again.
    cached ??= load().catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
}

export function requireEnv(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`environment variable ${name} is not set`);
  return value;
}
