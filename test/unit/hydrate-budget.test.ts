// The byte budget of one webhook (docs/adr/0023): through the real hydrate handler, a webhook whose messages or
// hydration answers pass it is dead-lettered with the reason `webhook_budget_exceeded`, and the other webhooks of
// its batch are delivered. The budget derives from the function's memory (AWS_LAMBDA_FUNCTION_MEMORY_SIZE: 128 MB
// here, so 8 MiB a webhook and 16 MiB for the records in flight) unless the configuration sets
// `hydrate.max_bytes_per_webhook`.
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createHydrateHandler } from '../../functions/hydrate/handler.ts';
import { ResponseCache } from '../../functions/hydrate/hydration/response-cache.ts';
import { runHydrationSteps } from '../../functions/hydrate/hydration/step-runner.ts';
import type { Fetch } from '../../functions/hydrate/source-api.ts';
import { WebhookBudget } from '../../functions/hydrate/webhook-budget.ts';
import {
  hydrationSchema,
  relayConfigSchema,
  type RelayConfig,
} from '../../functions/shared/config/relay-config.ts';
import { deadLetterV1Schema } from '../../functions/shared/stage/contracts.ts';
import { DeferredError } from '../../functions/shared/stage/errors.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import { stageMessageRecord } from '../helpers/sqs-record.ts';
import { HYDRATE_QUEUES_ENV } from '../helpers/handler-ports.ts';
import { webhookReceived } from '../helpers/stage-messages.ts';

const { DELIVER_QUEUE_URL, HYDRATE_DLQ_URL } = HYDRATE_QUEUES_ENV;
const MIB = 1_048_576;

/** An SQS client that records what hydrate sends: deliver's messages (by correlation id) and dead letters. */
function recordingSqs() {
  const delivered = new Map<string, number>();
  const deadLetters: { reason: string; correlation: string; detail: unknown }[] = [];
  const client = {
    send: (command: unknown) => {
      if (command instanceof SendMessageBatchCommand && command.input.QueueUrl === DELIVER_QUEUE_URL) {
        for (const entry of command.input.Entries ?? []) {
          const id = entry.MessageAttributes?.correlation_id?.StringValue ?? '';
          delivered.set(id, (delivered.get(id) ?? 0) + 1);
        }
        return Promise.resolve({ Successful: [], Failed: [] });
      }
      if (command instanceof SendMessageCommand && command.input.QueueUrl === HYDRATE_DLQ_URL) {
        const letter = deadLetterV1Schema().parse(JSON.parse(command.input.MessageBody ?? ''));
        deadLetters.push({
          reason: letter.reason,
          correlation: command.input.MessageAttributes?.correlation_id?.StringValue ?? '',
          detail: letter.detail,
        });
      }
      return Promise.resolve({});
    },
  };
  return { sqs: client as unknown as SQSClient, delivered, deadLetters };
}

function batch(payloads: Record<string, unknown>): SQSEvent {
  return {
    Records: Object.entries(payloads).map(([id, payload]) =>
      stageMessageRecord(
        id,
        webhookReceived({
          source: 'app',
          id,
          eventType: 'order.created',
          receivedAt: '2026-12-07T10:00:00.000Z',
          payload,
        }),
        'hydrate',
      ),
    ),
  };
}

function handlerFor(config: RelayConfig, sqs: SQSClient, fetch?: Fetch) {
  return createHydrateHandler({
    env: { ...HYDRATE_QUEUES_ENV, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128' },
    sqs,
    ...(fetch && { fetch }),
    loadConfig: () => Promise.resolve(config),
    resolveSecret: () => Promise.resolve('secret'),
  });
}

const source = (extra: Record<string, unknown>) =>
  relayConfigSchema().parse({
    version: 1,
    sources: { app: { kind: 'token', secrets: [{ env: 'S' }], ...extra } },
    klaviyo: { api_key: { env: 'K' } },
  });

/** One event per line item, each carrying the order's note (a long text, up to Klaviyo's 100 KB a string). */
const lineItemEvents = {
  mapping: {
    profile: { email: ['event.email'] },
    events: [
      {
        id: 'line',
        metric: 'Ordered Product',
        for_each: 'event.items',
        key: 'item.sku',
        include: [],
        properties: { SKU: 'item.sku', Note: 'event.note' },
      },
    ],
  },
};

const order = (items: number) => ({
  email: 'ada@example.com',
  note: 'n'.repeat(99_000),
  items: Array.from({ length: items }, (_, i) => ({ sku: `SKU-${i}` })),
});

describe('hydrate: the byte budget of one webhook', () => {
  it('dead-letters a webhook whose messages pass it, with the reason, and delivers the others of the batch', async () => {
    const { sqs, delivered, deadLetters } = recordingSqs();
    // 200 events of ~99 KB: ~20 MB of messages, past the 8 MiB of a 128 MB function.
    const out = await handlerFor(source(lineItemEvents), sqs)(
      batch({ small: order(3), huge: order(200), other: order(5) }),
      lambdaContext('hydrate', 'ctx-budget-emit', 30_000),
    );
    expect(out.batchItemFailures).toEqual([]);
    expect(deadLetters).toEqual([
      expect.objectContaining({ reason: 'webhook_budget_exceeded', correlation: 'app:huge' }),
    ]);
    expect(deadLetters[0]?.detail).toMatchObject({ limit: 8 * MIB });
    expect(Object.fromEntries(delivered)).toEqual({ 'app:small': 3, 'app:other': 5 });
  });

  it('dead-letters a webhook whose hydration answers pass it, and delivers the others of the batch', async () => {
    const { sqs, delivered, deadLetters } = recordingSqs();
    // Each answer is 2 MiB: six of them (12 MiB) pass the 8 MiB, though each is under the 5 MiB a call may take.
    const answer = JSON.stringify({ product: { id: 1, description: 'd'.repeat(2 * MIB) } });
    const fetch: Fetch = () =>
      Promise.resolve(new Response(answer, { headers: { 'content-type': 'application/json' } }));
    const config = source({
      hydration: {
        base_url: 'https://api.example.com',
        auth: { header: 'authorization', secret: { env: 'T' } },
        steps: [
          {
            name: 'products',
            path: '/products/{sku}',
            for_each: { items: 'event.skus', as: 'sku', concurrency: 2 },
            pick: 'product.id',
          },
        ],
      },
      mapping: { metric: 'Placed Order', profile: { email: ['event.email'] } },
    });
    const skus = (n: number) => ({
      email: 'ada@example.com',
      skus: Array.from({ length: n }, (_, i) => `p${i}`),
    });
    const out = await handlerFor(
      config,
      sqs,
      fetch,
    )(batch({ few: skus(2), many: skus(6) }), lambdaContext('hydrate', 'ctx-budget-fetch', 30_000));
    expect(out.batchItemFailures).toEqual([]);
    expect(deadLetters).toEqual([
      expect.objectContaining({ reason: 'webhook_budget_exceeded', correlation: 'app:many' }),
    ]);
    expect(Object.fromEntries(delivered)).toEqual({ 'app:few': 1 });
  });

  it('takes its limit from hydrate.max_bytes_per_webhook when the configuration sets it', async () => {
    const { sqs, delivered, deadLetters } = recordingSqs();
    const config = source({ ...lineItemEvents });
    const limited: RelayConfig = { ...config, hydrate: { max_bytes_per_webhook: MIB } };
    // 12 events of ~99 KB (~1.2 MB) pass 1 MiB; 5 do not.
    await handlerFor(limited, sqs)(
      batch({ twelve: order(12), five: order(5) }),
      lambdaContext('hydrate', 'ctx-budget-config', 30_000),
    );
    expect(deadLetters.map((d) => [d.reason, d.correlation])).toEqual([
      ['webhook_budget_exceeded', 'app:twelve'],
    ]);
    expect(Object.fromEntries(delivered)).toEqual({ 'app:five': 5 });
  });
});

describe('hydrate: a call shared by two webhooks', () => {
  it('fails only the webhook whose budget stopped it; the one waiting for the same call is deferred', async () => {
    const hydration = hydrationSchema().parse({
      base_url: 'https://api.example.com',
      auth: { header: 'authorization', secret: { env: 'T' } },
      steps: [{ name: 'customer', path: '/customers/1' }],
    });
    let calls = 0;
    const fetch: Fetch = () => {
      calls++;
      return Promise.resolve(new Response(JSON.stringify({ name: 'n'.repeat(2_000) })));
    };
    const cache = new ResponseCache();
    const ports = (budget: WebhookBudget) => ({
      fetch,
      resolveSecret: () => Promise.resolve('secret'),
      now: Date.now,
      cache,
      budget,
    });
    // The first starts the call (identical GETs in flight are shared), the second waits for it.
    const small = runHydrationSteps('app', hydration, {}, ports(new WebhookBudget(1_000)));
    const large = runHydrationSteps('app', hydration, {}, ports(new WebhookBudget(MIB)));
    const [first, second] = await Promise.allSettled([small, large]);
    expect(calls).toBe(1);
    expect(first).toMatchObject({ status: 'rejected', reason: { reason: 'webhook_budget_exceeded' } });
    expect(second).toMatchObject({ status: 'rejected', reason: { reason: 'memory_busy' } });
    expect((second as PromiseRejectedResult).reason).toBeInstanceOf(DeferredError);
  });
});
