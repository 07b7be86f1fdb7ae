// Deliver follows the loaded configuration: Klaviyo settings changed in the document (base URL, revision, key
// reference) reach a warm instance on the next batch after a refresh, not only after a cold start.
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createDeliverHandler } from '../../functions/deliver/handler.ts';
import type { Fetch } from '../../functions/deliver/klaviyo-client.ts';
import {
  relayConfigSchema,
  type RelayConfig,
  type SecretRef,
} from '../../functions/shared/config/relay-config.ts';
import { testContext } from '../helpers/http-event.ts';
import { eventFixture } from '../helpers/stage-messages.ts';
import { stageMessageRecord } from '../helpers/sqs-record.ts';
import { acceptingSqs, DELIVER_QUEUES_ENV } from '../helpers/handler-ports.ts';

const config = (klaviyo: Record<string, unknown>): RelayConfig =>
  relayConfigSchema().parse({ version: 1, sources: {}, klaviyo: { api_key: { env: 'K1' }, ...klaviyo } });

function sqsEvent(n: number): SQSEvent {
  const message = eventFixture(n);
  return {
    Records: [stageMessageRecord(`m-${n}`, message, 'deliver')],
  };
}

describe('deliver and configuration refresh', () => {
  it('uses the Klaviyo settings of the document loaded for each batch', async () => {
    let current = config({ base_url: 'http://one.test/', revision: '2026-07-15' });
    const seen: { url: string; headers: Record<string, string> }[] = [];
    const fakeFetch: Fetch = (url, init) => {
      seen.push({ url: url as string, headers: (init?.headers ?? {}) as Record<string, string> });
      return Promise.resolve(new Response(null, { status: 202 }));
    };
    const handler = createDeliverHandler({
      env: DELIVER_QUEUES_ENV,
      sqs: acceptingSqs(),
      fetch: fakeFetch,
      loadConfig: () => Promise.resolve(current),
      resolveSecret: (ref: SecretRef) => Promise.resolve(`key-${'env' in ref ? ref.env : 'other'}`),
    });

    const first = await handler(sqsEvent(1), testContext('deliver'));
    expect(first.batchItemFailures).toEqual([]);
    expect(seen[0]?.url).toBe('http://one.test/api/events');
    expect(seen[0]?.headers.revision).toBe('2026-07-15');
    expect(seen[0]?.headers.authorization).toBe('Klaviyo-API-Key key-K1');

    current = config({ base_url: 'http://two.test/', revision: '2026-10-15', api_key: { env: 'K2' } });
    const second = await handler(sqsEvent(2), testContext('deliver'));
    expect(second.batchItemFailures).toEqual([]);
    expect(seen[1]?.url).toBe('http://two.test/api/events');
    expect(seen[1]?.headers.revision).toBe('2026-10-15');
    expect(seen[1]?.headers.authorization).toBe('Klaviyo-API-Key key-K2');
  });
});
