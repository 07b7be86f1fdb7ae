// Sending a sample: signs it the way the source's sender does and POSTs it to the relay — local mode or a
// deployment — for `relay send` (cli/commands/send.ts) and `npm run send` (local/send.ts). The source's settings
// come from a configuration file (--config), else the stack's configuration — the document a running local mode
// or a deployment's outputs hold (`config_document`), else the configuration parameter the module writes —, else
// RELAY_CONFIG or config/local.json; what was read is named in the result (`config`) and in every error;
// the secret from --secret, --secret-env, or the source's own secret reference (an environment variable, SSM or
// Secrets Manager, read with the standard credential chain).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, parseRelayConfig, type RelayConfig } from '../functions/shared/config/relay-config.ts';
import { createSecretResolver } from '../functions/shared/secrets.ts';
import { readLocalConfig } from './config-file.ts';
import { readDeployedDocument } from './deployed-document.ts';
import { DEV_SECRETS } from './dev-secrets.ts';
import { loadStack, type RelayStack, type StackOptions } from './relay-stack.ts';
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

type Vars = Record<string, string | undefined>;

/**
 * The configuration the source's settings come from, and where it was read. A document from a stack file is local
 * mode's when the stack names local endpoints: its `{ "env": … }` secret references name this machine's variables.
 */
async function sourceConfig(
  options: SendOptions,
  stack: RelayStack,
  env: Vars,
): Promise<{ config: RelayConfig; origin: string; envRefs: boolean }> {
  const fromFile = async (file: string) => ({
    config: (await readLocalConfig(path.resolve(file), env, 'http://127.0.0.1/unused')).config,
    origin: file,
    envRefs: true,
  });
  if (options.config) return fromFile(options.config);
  if (stack.configDocument) {
    const origin = `${stack.origin} (config_document)`;
    return { config: parseRelayConfig(stack.configDocument, origin), origin, envRefs: stack.local === true };
  }
  if (stack.configParameterName) {
    const { text, origin } = await readDeployedDocument(stack.configParameterName, options.region);
    return { config: parseRelayConfig(text, origin), origin, envRefs: false };
  }
  return fromFile(process.env.RELAY_CONFIG ?? 'config/local.json');
}

export async function sendSample(
  sourceName: string,
  file: string,
  options: SendOptions,
): Promise<{ url: string; status: number; body: string; config: string }> {
  // Local mode's development secrets stand in for unset variables, as `npm start` uses them.
  const env: Vars = { ...DEV_SECRETS, ...process.env };
  const stack = await loadStack(options);
  // A file's `{ "env": … }` references name the operator's variables; a deployed document's are not ours to read.
  const { config, origin, envRefs } = await sourceConfig(options, stack, env);
  const source = Object.hasOwn(config.sources, sourceName) ? config.sources[sourceName] : undefined;
  if (!source)
    throw new ConfigError(
      `no source "${sourceName}" in ${origin} (configured: ${Object.keys(config.sources).join(', ')})`,
    );

  let secret = options.secret ?? (options.secretEnv ? env[options.secretEnv] : undefined);
  if (options.secretEnv && !secret)
    throw new Error(`the environment variable ${options.secretEnv} is not set`);
  const reference = source.secrets[0];
  if (!secret && reference) secret = await createSecretResolver({ env, allowEnvRefs: envRefs })(reference);
  if (!secret) throw new Error(`no secret for "${sourceName}" in ${origin}: pass --secret or --secret-env`);

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
  return { url, status: response.status, body: await response.text(), config: origin };
}
