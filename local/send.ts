// `npm run send -- <source> <file> [--url http://127.0.0.1:3000] [--delivery-id ID] [--event-type TYPE]`
// Signs a JSON file the way the source's sender does and POSTs it to the relay.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../functions/shared/config.ts';
import { readLocalConfig } from './config-file.ts';
import { signedHeaders } from './sign.ts';
import { DEV_SECRETS } from './stack.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? 3000}` },
    'delivery-id': { type: 'string' },
    'event-type': { type: 'string' },
    config: { type: 'string', default: process.env.RELAY_CONFIG ?? 'config/local.json' },
  },
});
const [sourceName, file] = positionals;
if (!sourceName || !file) {
  console.error(
    'usage: npm run send -- <source> <file.json> [--url URL] [--delivery-id ID] [--event-type TYPE]',
  );
  process.exit(2);
}

// Placeholders only matter to the running relay; the sender needs the source's scheme and secret.
const env: Record<string, string | undefined> = { ...DEV_SECRETS, ...process.env };
// The stand-in must pass the schema (hydration base URLs: https, or http to loopback).
const { config } = await readLocalConfig(path.resolve(values.config), env, 'http://127.0.0.1/unused');
const source = config.sources[sourceName];
if (!source) throw new ConfigError(`no source "${sourceName}" in ${values.config}`);
const secretRef = source.secrets[0];
const secret = secretRef && 'env' in secretRef ? env[secretRef.env] : undefined;
if (!secret)
  throw new ConfigError(
    `set the secret for "${sourceName}" in the environment (${JSON.stringify(secretRef)})`,
  );

const body = await readFile(file);
const signOptions: { deliveryId?: string; eventType?: string } = {};
if (values['delivery-id']) signOptions.deliveryId = values['delivery-id'];
if (values['event-type']) signOptions.eventType = values['event-type'];
const headers = signedHeaders(source, body, secret, signOptions);
const url = `${values.url.replace(/\/+$/, '')}/webhooks/${encodeURIComponent(sourceName)}`;
const response = await fetch(url, { method: 'POST', headers, body });
console.log(`POST ${url} → ${response.status}`);
console.log(await response.text());
process.exitCode = response.ok ? 0 : 1;
