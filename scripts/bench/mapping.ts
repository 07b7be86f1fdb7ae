// Mapping benchmark: the cost of turning one order webhook into Klaviyo messages, in process (no queues, no HTTP).
//   npm run bench:mapping [-- --iterations 20000 --warmup 2000]
// 1. The order mapping of samples/order-mapping.json on an order with 5 line items: a filter, a profile with an
//    expression, Placed Order (value by $sum, Items kept, ItemNames, Brands, $extra) and an Ordered Product per
//    line item (for_each, key, filter, value and properties) — 6 events, every expression evaluated each time.
// 2. For comparison, the mapping every source had before expressions: one event, dot paths, everything flattened.
// 3. Flattening at size (the plain mapping): a 1 MiB webhook of 130,000 small objects, and an order of 2,000 line
//    items — each a few hundred times fewer iterations (--large-iterations, default 20, after 3 warm-up runs).
// Figures are µs per webhook (median, p99, max) after warm-up; per event is the median divided by the events; CPU
// is the process's CPU time per webhook (median), which a loaded machine stretches less than the wall clock.
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { mapToKlaviyoMessages, type MappingContext } from '../../functions/hydrate/map-to-klaviyo.ts';
import { sourceSchema, type SourceConfig } from '../../functions/shared/config/relay-config.ts';
import type { WebhookReceivedV1 } from '../../functions/shared/stage/contracts.ts';
import { parseEntryArgs } from '../../operations/entry-args.ts';

const { values } = parseEntryArgs(
  {
    command: 'npm run bench:mapping --',
    description:
      'Mapping benchmark: the cost of turning one order webhook into Klaviyo messages, in process.',
  },
  {
    iterations: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '2000' },
    'large-iterations': { type: 'string', default: '20' },
  },
);
const iterations = Number(values.iterations);
const warmup = Number(values.warmup);
const largeIterations = Number(values['large-iterations']);

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

// A 1 MiB list of 130,000 small objects (`{"a":3}`, 8 bytes each in the JSON), and 2,000 line items.
const rows = { email: 'ada@example.com', rows: Array.from({ length: 130_000 }, (_, i) => ({ a: i % 10 })) };
const bigOrder = {
  ...order,
  line_items: Array.from({ length: 2_000 }, (_, i) => ({ ...sample.line_items[i % 3], id: 10_000 + i })),
};
const kib = (payload: unknown) => (Buffer.byteLength(JSON.stringify(payload)) / 1024).toFixed(0);

async function measure(
  label: string,
  source: SourceConfig,
  payload: unknown = order,
  runs = { iterations, warmup },
) {
  const context = (): MappingContext => ({ event: payload, meta: {} });
  const webhook = { ...message, payload };
  const first = await mapToKlaviyoMessages(webhook, source, context());
  const events = first.messages.filter((m) => m.type === 'klaviyo.event').length;
  for (let i = 0; i < runs.warmup; i++) await mapToKlaviyoMessages(webhook, source, context());
  const samples = new Float64Array(runs.iterations);
  // CPU time too: on a shared machine the wall clock also counts the time others' processes held the cores.
  const cpuSamples = new Float64Array(runs.iterations);
  for (let i = 0; i < runs.iterations; i++) {
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    await mapToKlaviyoMessages(webhook, source, context());
    samples[i] = Number(process.hrtime.bigint() - started) / 1_000;
    const used = process.cpuUsage(cpu);
    cpuSamples[i] = used.user + used.system;
  }
  samples.sort();
  cpuSamples.sort();
  const cpuMedian = cpuSamples[Math.floor(cpuSamples.length / 2)] ?? NaN;
  const at = (p: number) =>
    samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))] ?? NaN;
  const median = at(50);
  console.log(
    `${label}: ${events} events a webhook — per webhook median ${median.toFixed(1)} µs, p99 ${at(99).toFixed(1)} µs, ` +
      `max ${(samples.at(-1) ?? NaN).toFixed(1)} µs; per event median ${(median / events).toFixed(1)} µs; ` +
      `CPU median ${cpuMedian.toFixed(0)} µs`,
  );
}

console.log(
  `bench-mapping: ${iterations} iterations after ${warmup} warm-up, Node ${process.version}, ` +
    `${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg()[0]?.toFixed(2)}`,
);
await measure('order mapping (expressions, 5 line items)', orderMapping);
await measure('plain mapping (dot paths, flattened)', plainMapping);
const large = { iterations: largeIterations, warmup: 3 };
await measure(`130,000 small objects (${kib(rows)} KiB, flattened)`, plainMapping, rows, large);
await measure(`2,000 line items (${kib(bigOrder)} KiB, flattened)`, plainMapping, bigOrder, large);
