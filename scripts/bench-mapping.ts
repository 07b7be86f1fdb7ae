// Mapping benchmark: the cost of turning one order webhook into Klaviyo messages, in process (no queues, no HTTP).
//   npm run bench:mapping [-- --iterations 20000 --warmup 2000]
// 1. The order mapping of samples/order-mapping.json on an order with 5 line items: a filter, a profile with an
//    expression, Placed Order (value by $sum, Items kept, ItemNames, Brands, $extra) and an Ordered Product per
//    line item (for_each, key, filter, value and properties) — 6 events, every expression evaluated each time.
// 2. For comparison, the mapping every source had before expressions: one event, dot paths, everything flattened.
// Figures are µs per webhook (median, p99, max) after warm-up; per event is the median divided by the events.
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { mapToKlaviyoMessages, type MappingContext } from '../functions/hydrate/map-to-klaviyo.ts';
import { sourceSchema, type SourceConfig } from '../functions/shared/config.ts';
import type { WebhookReceivedV1 } from '../functions/shared/contracts.ts';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '2000' },
  },
});
const iterations = Number(values.iterations);
const warmup = Number(values.warmup);

const sample = JSON.parse(readFileSync('samples/order-with-line-items.json', 'utf8')) as {
  line_items: Record<string, unknown>[];
};
// Five line items: the sample's three and two more of the same shape.
const order = {
  ...sample,
  line_items: [
    ...sample.line_items,
    { id: 9004, sku: 'SOCK-GRN', title: 'Green socks', quantity: 3, price: '4.99', vendor: 'Acme' },
    { id: 9005, sku: 'BAG-TOTE', title: 'Tote bag', quantity: 1, price: '15.00', vendor: 'Bags Ltd' },
  ],
};

const message: WebhookReceivedV1 = {
  type: 'webhook.received',
  version: 1,
  correlation_id: 'orders:bench-1',
  source: 'orders',
  delivery_id: 'bench-1',
  event_type: 'orders/create',
  received_at: '2026-11-23T10:00:00.000Z',
  meta: {},
  payload: order,
};

const orderMapping = sourceSchema().parse({
  kind: 'shopify',
  secrets: [{ env: 'S' }],
  mapping: JSON.parse(readFileSync('samples/order-mapping.json', 'utf8')) as unknown,
});
const plainMapping = sourceSchema().parse({
  kind: 'shopify',
  secrets: [{ env: 'S' }],
  mapping: {
    metric: 'Placed Order',
    value: 'event.total_price',
    time: 'event.created_at',
    profile: { email: ['event.email'] },
  },
});

async function measure(label: string, source: SourceConfig) {
  const context = (): MappingContext => ({ event: order, meta: {} });
  const first = await mapToKlaviyoMessages(message, source, context());
  const events = first.messages.filter((m) => m.type === 'klaviyo.event').length;
  for (let i = 0; i < warmup; i++) await mapToKlaviyoMessages(message, source, context());
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const started = process.hrtime.bigint();
    await mapToKlaviyoMessages(message, source, context());
    samples[i] = Number(process.hrtime.bigint() - started) / 1_000;
  }
  samples.sort();
  const at = (p: number) =>
    samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))] ?? NaN;
  const median = at(50);
  console.log(
    `${label}: ${events} events a webhook — per webhook median ${median.toFixed(1)} µs, p99 ${at(99).toFixed(1)} µs, ` +
      `max ${(samples.at(-1) ?? NaN).toFixed(1)} µs; per event median ${(median / events).toFixed(1)} µs`,
  );
}

console.log(
  `bench-mapping: ${iterations} iterations after ${warmup} warm-up, Node ${process.version}, ` +
    `${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg()[0]?.toFixed(2)}`,
);
await measure('order mapping (expressions, 5 line items)', orderMapping);
await measure('plain mapping (dot paths, flattened)', plainMapping);
