// Expressions under load: a batch's records are hydrated side by side, and what bounds an expression is its own
// work (evaluation steps), never the time other records' work took. Through the real hydrate handler with the
// shopify preset, as in issue 18: an orders/create of 300 line items maps alone and in a batch of ten alike.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createHydrateHandler } from '../../functions/hydrate/handler.ts';
import { parseRelayConfig } from '../../functions/shared/config/relay-config.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import { stageMessageRecord } from '../helpers/sqs-record.ts';
import { HYDRATE_QUEUES_ENV } from '../helpers/handler-ports.ts';
import { webhookReceived } from '../helpers/stage-messages.ts';

const DLQ_URL = HYDRATE_QUEUES_ENV.HYDRATE_DLQ_URL;
const DELIVER_URL = HYDRATE_QUEUES_ENV.DELIVER_QUEUE_URL;

const config = parseRelayConfig(
  JSON.stringify({
    version: 1,
    sources: {
      shop: {
        kind: 'shopify',
        preset: 'shopify',
        secrets: [{ env: 'S' }],
        // Entries the tests use: one that runs away (recursion without end) and one with the pattern of issue
        // 18 that backtracks for seconds on JavaScript's own engine.
        mapping: {
          events: [
            {
              id: 'runaway',
              metric: 'Runaway',
              event_types: ['test/runaway'],
              value: { expr: '($f := function($n) { $f($n + 1) }; $f(0))' },
            },
            {
              id: 'words',
              metric: 'Words',
              event_types: ['test/words'],
              filter: { expr: '$contains(event.note, /^(\\w+\\s?)*$/) = false' },
            },
          ],
        },
      },
    },
    klaviyo: { api_key: { env: 'K' } },
  }),
  'test',
);

const lineItems = (count: number) =>
  Array.from({ length: count }, (_, i) => ({
    id: 700_000 + i,
    product_id: 80 + (i % 40),
    variant_id: 900 + i,
    sku: `SKU-${i}`,
    title: `Product ${i}`,
    variant_title: 'M',
    vendor: `Vendor ${i % 25}`,
    quantity: 1 + (i % 3),
    price: '12.50',
  }));

function record(id: string, eventType: string, payload: unknown) {
  const message = webhookReceived({
    source: 'shop',
    id,
    eventType,
    receivedAt: '2026-12-07T10:00:00.000Z',
    // The preset skips topics it does not know: the test entries' records come as orders.
    meta: { topic: 'orders/create', shop_domain: 'demo.myshopify.com' },
    payload,
  });
  return stageMessageRecord(id, message, 'hydrate');
}

const order = (id: string) =>
  record(id, 'orders/create', {
    id: Number(id.replace(/\D/g, '')),
    name: `#${id}`,
    email: 'ada@example.com',
    currency: 'EUR',
    created_at: '2026-12-07T09:59:00Z',
    total_price: '9999.00',
    total_discounts: '0.00',
    discount_codes: [],
    line_items: lineItems(300),
  });

function run(records: SQSEvent['Records']) {
  const sent: { url: string; count: number; bodies: string[] }[] = [];
  const send = (command: { input: Record<string, unknown> }) => {
    const input = command.input as {
      QueueUrl: string;
      MessageBody?: string;
      Entries?: { MessageBody: string }[];
    };
    const bodies = input.Entries?.map((e) => e.MessageBody) ?? [input.MessageBody ?? ''];
    sent.push({ url: input.QueueUrl, count: bodies.length, bodies });
    return Promise.resolve({ Successful: input.Entries?.map((_, i) => ({ Id: String(i) })), Failed: [] });
  };
  const handler = createHydrateHandler({
    env: HYDRATE_QUEUES_ENV,
    sqs: { send } as unknown as SQSClient,
    loadConfig: () => Promise.resolve(config),
    resolveSecret: () => Promise.resolve('secret'),
  });
  return handler({ Records: records }, lambdaContext('hydrate', 'ctx-load', 120_000)).then((response) => ({
    response,
    sent,
  }));
}

const letters = (sent: { url: string; bodies: string[] }[]) =>
  sent
    .filter((s) => s.url === DLQ_URL)
    .flatMap((s) => s.bodies.map((b) => JSON.parse(b) as { reason: string; original: string }));
const delivered = (sent: { url: string; count: number }[]) =>
  sent.filter((s) => s.url === DELIVER_URL).reduce((n, s) => n + s.count, 0);

describe('expressions under load (issue 18)', () => {
  it('maps an order of 300 line items alone', async () => {
    const { response, sent } = await run([order('o1')]);
    expect(letters(sent)).toEqual([]);
    expect(response.batchItemFailures).toEqual([]);
    expect(delivered(sent)).toBe(301);
  }, 60_000);

  it('maps ten such orders in one batch: load makes none of them fail', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `o${i + 1}`);
    const { response, sent } = await run(ids.map(order));
    expect(letters(sent).map((l) => l.reason)).toEqual([]);
    expect(response.batchItemFailures).toEqual([]);
    expect(delivered(sent)).toBe(10 * 301);
  }, 120_000);

  it('a record whose expression runs away fails alone, with the reason; the rest of the batch is delivered', async () => {
    const runaway = record('r1', 'test/runaway', { id: 1, email: 'ada@example.com' });
    const { response, sent } = await run([order('o1'), runaway, order('o2')]);
    expect(letters(sent).map((l) => l.reason)).toEqual(['expression_limit']);
    expect(response.batchItemFailures).toEqual([]);
    expect(delivered(sent)).toBe(2 * 301);
  }, 120_000);

  it('a pattern that backtracks on JavaScript’s engine runs in linear time: the record maps', async () => {
    // 33 characters that `^(\w+\s?)*$` cannot match: exponential backtracking for JavaScript's RegExp.
    const note = `${'a'.repeat(32)}!`;
    const words = record('w1', 'test/words', { id: 1, email: 'ada@example.com', note });
    const { response, sent } = await run([words, order('o1')]);
    expect(letters(sent)).toEqual([]);
    expect(response.batchItemFailures).toEqual([]);
    expect(delivered(sent)).toBe(1 + 301);
  }, 120_000);
});
