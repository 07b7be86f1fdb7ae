// `send <source> <file>`: signs a sample the way the source's sender does and POSTs it to the relay — local
// mode or a deployment. The source's settings come from a configuration file (--config) or, for a deployment,
// the configuration parameter the module writes; the secret from --secret, --secret-env, or the source's own
// secret reference (an environment variable, SSM or Secrets Manager, read with the standard credential chain).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import {
  ConfigError,
  parseRelayConfig,
  type RelayConfig,
} from '../../functions/shared/config/relay-config.ts';
import { createSecretResolver } from '../../functions/shared/secrets.ts';
import { readLocalConfig } from '../../local/config-file.ts';
import { signedHeaders } from '../../local/sign.ts';
import { DEV_SECRETS } from '../../local/stack.ts';
import { readDeployedDocument } from '../deployed-document.ts';
import { loadStack, withStackOptions, type StackOptions } from '../stack.ts';

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

export function registerSendCommand(program: Command): void {
  withStackOptions(program.command('send'))
    .description("Sign a sample the way the source's sender does and POST it to the relay.")
    .argument('<source>', 'the source name (the {source} path segment)')
    .argument('<file>', 'the webhook body to send')
    .option(
      '--url <url>',
      "the API endpoint, or a source's webhook URL (module outputs); default: the stack's",
    )
    .option(
      '--config <file>',
      'configuration document to read the source from (default: the stack’s, else config/local.json)',
    )
    .option('--secret <value>', 'the signing secret (default: the source’s own secret reference)')
    .option('--secret-env <name>', 'an environment variable that holds the signing secret')
    .option('--delivery-id <id>', 'the delivery id to sign (default: a new one)')
    .option('--event-type <type>', 'the event type (topic) to sign, where the scheme carries one')
    .option('--json', 'print JSON')
    .action(async (source: string, file: string, options: SendOptions & { json?: boolean }) => {
      const sent = await sendSample(source, file, options);
      if (options.json) console.log(JSON.stringify(sent, null, 2));
      else {
        console.log(`POST ${sent.url} → ${sent.status}`);
        console.log(sent.body);
      }
      if (sent.status >= 300) process.exitCode = 1;
    });
}
