// Local mode refuses a configuration whose secret variables are unset (operations/config-file.ts).
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseRelayConfig } from '../../functions/shared/config/relay-config.ts';
import { fillPlaceholders, unsetSecretVariables } from '../../operations/config-file.ts';

const text = await readFile('config/local.json', 'utf8');
const config = parseRelayConfig(
  fillPlaceholders(text, { DEMO_API_URL: 'http://127.0.0.1:9', KLAVIYO_BASE_URL: 'http://127.0.0.1:9' }, 'f'),
  'f',
);

describe('unset secret variables', () => {
  it('finds every env secret reference that is unset or empty, with where it is', () => {
    expect(unsetSecretVariables(config, { DEMO_WEBHOOK_SECRET: 's', SHOPIFY_WEBHOOK_SECRET: '' })).toEqual([
      { name: 'DEMO_API_TOKEN', where: 'sources.demo.hydration.auth.secret' },
      { name: 'SHOPIFY_WEBHOOK_SECRET', where: 'sources.shopify.secrets[0]' },
      { name: 'KLAVIYO_API_KEY', where: 'klaviyo.api_key' },
    ]);
  });

  it('finds none when all are set', () => {
    const vars = {
      DEMO_WEBHOOK_SECRET: 'a',
      SHOPIFY_WEBHOOK_SECRET: 'b',
      DEMO_API_TOKEN: 'c',
      KLAVIYO_API_KEY: 'd',
    };
    expect(unsetSecretVariables(config, vars)).toEqual([]);
  });
});
