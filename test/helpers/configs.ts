// Configuration documents for tests, validated by the real schema.
import { relayConfigSchema, type RelayConfig } from '../../functions/shared/config/relay-config.ts';
import { LOCAL_MODE_VARIABLE } from '../../functions/shared/secrets.ts';

/**
 * The handlers read these documents' `{ "env": … }` secret references only in local mode (functions/shared/secrets.ts):
 * a test that runs a handler with them sets local mode's flag, as local/stack.ts does.
 */
export const LOCAL_MODE_ENV = { [LOCAL_MODE_VARIABLE]: '1' } as const;

export const SHOPIFY_SECRET = 'shpss_test_secret';
export const SHOPIFY_OLD_SECRET = 'shpss_previous_secret';
export const GENERIC_SECRET = 'generic-test-secret';

export function testConfig(overrides: Partial<Record<string, unknown>> = {}): RelayConfig {
  return relayConfigSchema().parse({
    version: 1,
    sources: {
      shop: { kind: 'shopify', secrets: [{ env: 'SHOPIFY_SECRET' }, { env: 'SHOPIFY_OLD_SECRET' }] },
      gh: {
        kind: 'generic-hmac',
        secrets: [{ env: 'GENERIC_SECRET' }],
        signature: { header: 'X-Hub-Signature-256', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' },
        delivery_id: { header: 'x-github-delivery' },
        event_type: { header: 'x-github-event' },
      },
    },
    klaviyo: { api_key: { env: 'KLAVIYO_API_KEY' }, base_url: 'http://127.0.0.1:9' },
    ingest: { max_body_bytes: 4096 },
    ...overrides,
  });
}

export const testSecrets = {
  SHOPIFY_SECRET,
  SHOPIFY_OLD_SECRET,
  GENERIC_SECRET,
  KLAVIYO_API_KEY: 'pk_test',
};
