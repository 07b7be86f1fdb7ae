// Hydrate within the function's time left: a source API slower than the invocation has left makes the record a
// batch item failure (its request aborted) before Lambda's timeout, never a timed-out batch.
import type { Context, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createHydrateHandler } from '../../functions/hydrate/handler.ts';
import type { Fetch } from '../../functions/hydrate/source-api.ts';
import { relayConfigSchema } from '../../functions/shared/config/relay-config.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import { stageMessageRecord } from '../helpers/sqs-record.ts';
import { webhookReceived } from '../helpers/stage-messages.ts';
import { acceptingSqs, HYDRATE_QUEUES_ENV } from '../helpers/handler-ports.ts';

const config = relayConfigSchema().parse({
  version: 1,
  sources: {
    shop: {
      kind: 'shopify',
      secrets: [{ env: 'S' }],
      hydration: {
        base_url: 'https://api.test',
        // Longer than the invocation has left: only the invocation's deadline can stop it.
        timeout_ms: 30_000,
        steps: [{ name: 'customer', path: '/customers/{event.customer}' }],
      },
    },
  },
  klaviyo: { api_key: { env: 'K' } },
});

function sqsEvent(ids: string[]): SQSEvent {
  return {
    Records: ids.map((id) => {
      const message = webhookReceived({
        source: 'shop',
        id,
        eventType: 'orders/create',
        receivedAt: '2026-12-03T07:00:00.000Z',
        // One customer each: identical calls in flight would be coalesced into one request.
        payload: { id: 1, customer: `c-${id}`, email: 'ada@example.com' },
      });
      return stageMessageRecord(id, message, 'hydrate');
    }),
  };
}

describe('hydrate and the time left', () => {
  it('reports records a slow source API keeps past the deadline as batch item failures, in time', async () => {
    const signals: AbortSignal[] = [];
    // Answers only when aborted, as a stalled source API would.
    const stalled: Fetch = (_url, init) =>
      new Promise((_, reject) => {
        const signal = init?.signal;
        if (signal) signals.push(signal);
        signal?.addEventListener('abort', () => reject(signal.reason as Error));
      });
    const handler = createHydrateHandler({
      env: HYDRATE_QUEUES_ENV,
      sqs: acceptingSqs(),
      fetch: stalled,
      loadConfig: () => Promise.resolve(config),
      resolveSecret: () => Promise.resolve('secret'),
      deadlineMarginMs: 300,
    });
    const context: Context = lambdaContext('hydrate', 'ctx-deadline', 1_000);
    const started = Date.now();
    const out = await Promise.race([
      handler(sqsEvent(['d1', 'd2']), context),
      new Promise<'timed out'>((resolve) => setTimeout(() => resolve('timed out'), 1_000)),
    ]);
    expect(out).not.toBe('timed out');
    expect(Date.now() - started).toBeLessThan(1_000);
    const failed = (out as { batchItemFailures: { itemIdentifier: string }[] }).batchItemFailures;
    expect(failed.map((f) => f.itemIdentifier).sort()).toEqual(['d1', 'd2']);
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s.aborted)).toBe(true);
  });
});
