// Sending a sample: signs it the way the source's sender does and POSTs it to the relay — local mode or a
// deployment — for `relay send` (cli/commands/send.ts) and `npm run send` (local/send.ts). The source's settings
// come from a configuration file (--config) or, for a deployment, the configuration parameter the module writes;
// the secret from --secret, --secret-env, or the source's own secret reference (an environment variable, SSM or
// Secrets Manager, read with the standard credential chain).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, parseRelayConfig, type RelayConfig } from '../functions/shared/config/relay-config.ts';
import { createSecretResolver } from '../functions/shared/secrets.ts';
import { readLocalConfig } from './config-file.ts';
import { readDeployedDocument } from './deployed-document.ts';
import { DEV_SECRETS } from './dev-secrets.ts';
import { loadStack, type StackOptions } from './relay-stack.ts';
import { signedHeaders } from './sign.ts';

export interface SendOptions extends StackOptions {
  url?: string;
  config?: string;
  secret?: string;
  secretEnv?: string;
  deliveryId?: string;
  eventType?: string;
}

/**
 * The webhook URL for a source from what the user gave: a source's webhook URL (…/webhooks/<source>) as it is,
 * a webhook base URL (…/webhooks) or an API endpoint with the source appended.
 */
export function webhookUrlFor(given: string, source: string): string {
  const base = given.replace(/\/+$/, '');
  const encoded = encodeURIComponent(source);
  if (base.endsWith(`/webhooks/${encoded}`)) return base;
  if (base.endsWith('/webhooks')) return `${base}/${encoded}`;
  return `${base}/webhooks/${encoded}`;
}

async function deployedConfig(parameter: string, region: string | undefined): Promise<RelayConfig> {
  const { text, origin } = await readDeployedDocument(parameter, region);
  return parseRelayConfig(text, origin);
}

export async function sendSample(
  sourceName: string,
  file: string,
  options: SendOptions,
): Promise<{ url: string; status: number; body: string }> {
  // Local mode's development secrets stand in for unset variables, as `npm start` uses them.
  const env: Record<string, string | undefined> = { ...DEV_SECRETS, ...process.env };
  const stack = await loadStack(options);
  let config: RelayConfig;
  // A file's `{ "env": … }` references name the operator's variables; a deployed document has none to read here.
  let fromFile = true;
  if (options.config) {
    config = (await readLocalConfig(path.resolve(options.config), env, 'http://127.0.0.1/unused')).config;
  } else if (stack.configParameterName) {
    config = await deployedConfig(stack.configParameterName, options.region);
    fromFile = false;
  } else {
    const local = process.env.RELAY_CONFIG ?? 'config/local.json';
    config = (await readLocalConfig(path.resolve(local), env, 'http://127.0.0.1/unused')).config;
  }
  const source = Object.hasOwn(config.sources, sourceName) ? config.sources[sourceName] : undefined;
  if (!source)
    throw new ConfigError(
      `no source "${sourceName}" (configured: ${Object.keys(config.sources).join(', ')})`,
    );

  let secret = options.secret ?? (options.secretEnv ? env[options.secretEnv] : undefined);
  if (options.secretEnv && !secret)
    throw new Error(`the environment variable ${options.secretEnv} is not set`);
  const reference = source.secrets[0];
  if (!secret && reference) secret = await createSecretResolver({ env, allowEnvRefs: fromFile })(reference);
  if (!secret) throw new Error(`no secret for "${sourceName}": pass --secret or --secret-env`);

  const target =
    options.url ??
    stack.webhookBaseUrl ??
    stack.apiEndpoint ??
    `http://127.0.0.1:${process.env.PORT ?? 3000}`;
  const url = webhookUrlFor(target, sourceName);
  const body = await readFile(file);
  const signOptions: { deliveryId?: string; eventType?: string } = {};
  if (options.deliveryId) signOptions.deliveryId = options.deliveryId;
  if (options.eventType) signOptions.eventType = options.eventType;
  const response = await fetch(url, {
    method: 'POST',
    headers: signedHeaders(source, body, secret, signOptions),
    body,
  });
  return { url, status: response.status, body: await response.text() };
}
