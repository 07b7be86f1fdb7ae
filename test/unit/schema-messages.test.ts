// The schemas run on zod/mini, which ships no message locale: functions/shared/zod.ts sets English. These pin
// the words a person reads in a ConfigError and in a DLQ letter's detail, so a lost locale fails here (as
// "Invalid input" everywhere) instead of in production.
import { describe, expect, it } from 'vitest';
import { parseRelayConfig } from '../../functions/shared/config/relay-config.ts';
import { deliverMessageSchema } from '../../functions/shared/stage/contracts.ts';

describe('validation messages', () => {
  it('are English in a ConfigError, with the schema’s own wording where it has one', () => {
    const doc = {
      version: 1,
      sources: {
        shop: { kind: 'shopify', secrets: [{ env: '' }] },
        gh: { kind: 'generic-hmac', secrets: [{ env: 'X' }], signature: { header: 'bad header' } },
      },
      klaviyo: { api_key: { env: 'K' }, timeout_ms: 1.5, rate_budget_share: 2 },
    };
    expect(() => parseRelayConfig(JSON.stringify(doc), 'f.json')).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        message: [
          'f.json: invalid relay configuration:',
          '  - sources.shop.secrets.0.env: Too small: expected string to have >=1 characters',
          '  - sources.gh.signature.header: an HTTP header name',
          '  - klaviyo.timeout_ms: Invalid input: expected int, received number',
          '  - klaviyo.rate_budget_share: Too big: expected number to be <=1',
        ].join('\n'),
      }),
    );
  });

  it('are English in a message that breaks its contract', () => {
    const result = deliverMessageSchema().safeParse({
      type: 'klaviyo.event',
      version: 1,
      correlation_id: 'shop:1',
      source: 'shop',
      delivery_id: '1',
      metric: '',
      profile: {},
      properties: {},
      time: 'yesterday',
      unique_id: 'u',
    });
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'metric: Too small: expected string to have >=1 characters',
      'profile: a profile needs at least one of id, email, phone_number, external_id',
      'time: Invalid ISO datetime',
    ]);
  });
});
