// The mapping section end to end in memory: expressions, filters, computed/kept/extra properties, currency,
// several events from one webhook with deterministic unique_ids, and what deliver makes of them.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { planBulkRequests } from '../../functions/deliver/bulk-plan.ts';
import { createEventBody } from '../../functions/deliver/klaviyo-requests.ts';
import { hydrateEvent } from '../../functions/hydrate/hydrate-event.ts';
import { mapToKlaviyoMessages } from '../../functions/hydrate/map-to-klaviyo.ts';
import { relayConfigSchema, sourceSchema } from '../../functions/shared/config/relay-config.ts';
import type { KlaviyoEvent, WebhookReceivedV1 } from '../../functions/shared/stage/contracts.ts';
import { deliverMessageSchema } from '../../functions/shared/stage/contracts.ts';
import { PermanentError, RetryableError } from '../../functions/shared/stage/errors.ts';
import type { Logger } from '../../functions/shared/logger.ts';
import type { MessageQueue, OutgoingMessage } from '../../functions/shared/stage/sqs-queue.ts';
import { webhookReceived } from '../helpers/stage-messages.ts';

const order = JSON.parse(readFileSync('samples/order-with-line-items.json', 'utf8')) as Record<
  string,
  unknown
>;
const orderMapping = JSON.parse(readFileSync('samples/order-mapping.json', 'utf8')) as Record<
  string,
  unknown
>;

const webhook = (payload: unknown = order, deliveryId = 'd-1'): WebhookReceivedV1 =>
  webhookReceived({
    source: 'orders',
    id: deliveryId,
    eventType: 'orders/create',
    receivedAt: '2026-11-23T10:00:00.000Z',
    payload,
  });

const sourceWith = (mapping: Record<string, unknown>) =>
  sourceSchema().parse({ kind: 'shopify', secrets: [{ env: 'S' }], mapping });

async function map(mapping: Record<string, unknown>, payload: unknown = order, deliveryId = 'd-1') {
  return mapToKlaviyoMessages(webhook(payload, deliveryId), sourceWith(mapping), {
    event: payload,
    meta: {},
  });
}

const events = (messages: readonly { type: string }[]) =>
  messages.filter((m): m is KlaviyoEvent => m.type === 'klaviyo.event');

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as PermanentError,
  );

describe('an order with line items (samples/order-mapping.json)', () => {
  it('becomes one Placed Order and one Ordered Product per line item', async () => {
    const { messages, skipped } = await map(orderMapping);
    expect(skipped).toEqual([]);
    const [placed, ...products] = events(messages);
    expect(messages).toHaveLength(4);
    expect(placed).toMatchObject({
      version: 2,
      metric: 'Placed Order',
      profile: { email: 'grace.hopper@example.com', phone_number: '+15005550008', external_id: '7001' },
      value_currency: 'EUR',
      time: '2026-11-20T09:15:00.000Z',
      unique_id: 'orders:d-1:order',
      backfill: false,
      properties: {
        OrderId: 5501,
        ItemNames: ['Red tee', 'Black mug', 'Blue cap'],
        Brands: ['Acme', 'Hats & Co'],
        ItemCount: 4,
        $extra: { OrderName: '#5501' },
        relay_source: 'orders',
      },
    });
    expect(placed?.value).toBeCloseTo(97.4, 6);
    expect(placed?.properties.Items).toEqual([
      {
        ProductID: 9001,
        SKU: 'TEE-RED-M',
        ProductName: 'Red tee',
        Quantity: 2,
        ItemPrice: 19.99,
        RowTotal: 39.98,
      },
      {
        ProductID: 9002,
        SKU: 'MUG-BLK',
        ProductName: 'Black mug',
        Quantity: 1,
        ItemPrice: 12.5,
        RowTotal: 12.5,
      },
      {
        ProductID: 9003,
        SKU: 'CAP-BLU',
        ProductName: 'Blue cap',
        Quantity: 1,
        ItemPrice: 44.92,
        RowTotal: 44.92,
      },
    ]);
    // include: [] — nothing flattened beside the computed, kept and extra properties.
    expect(Object.keys(placed?.properties ?? {}).sort()).toEqual(
      ['$extra', 'Brands', 'ItemCount', 'ItemNames', 'Items', 'OrderId', 'relay_source'].sort(),
    );
    expect(
      products.map((e) => [e.metric, e.unique_id, e.value, e.properties.SKU, e.properties.Position]),
    ).toEqual([
      ['Ordered Product', 'orders:d-1:item:9001', 39.98, 'TEE-RED-M', 0],
      ['Ordered Product', 'orders:d-1:item:9002', 12.5, 'MUG-BLK', 1],
      ['Ordered Product', 'orders:d-1:item:9003', 44.92, 'CAP-BLU', 2],
    ]);
    // Every message is what deliver accepts.
    for (const message of messages) expect(deliverMessageSchema().safeParse(message).success).toBe(true);
  });

  it('gives the same unique_ids every time it is mapped, distinct within the webhook', async () => {
    const first = events((await map(orderMapping)).messages).map((e) => e.unique_id);
    const again = events((await map(orderMapping)).messages).map((e) => e.unique_id);
    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
  });

  it('is skipped whole, with the filter named, when the source filter is false (a test order)', async () => {
    const result = await map(orderMapping, { ...order, test: true });
    expect(result).toEqual({
      messages: [],
      skipped: [
        {
          where: 'sources.orders.mapping.filter',
          condition: '$not(event.test)',
          values: { 'event.test': true },
        },
      ],
      droppedProperties: [],
      timeFallbacks: [],
    });
  });

  it('skips one element when the event filter is false for it, keeping the others and their ids', async () => {
    const items = order.line_items as Record<string, unknown>[];
    const payload = { ...order, line_items: [items[0], { ...items[1], quantity: 0 }, items[2]] };
    const { messages, skipped } = await map(orderMapping, payload);
    expect(events(messages).map((e) => e.unique_id)).toEqual([
      'orders:d-1:order',
      'orders:d-1:item:9001',
      'orders:d-1:item:9003',
    ]);
    expect(skipped).toEqual([
      {
        where: 'sources.orders.mapping.events[1].filter',
        index: 1,
        condition: 'item.quantity > 0',
        values: { 'item.quantity': 0 },
      },
    ]);
  });
});

describe('several events', () => {
  const perItem = (extra: Record<string, unknown> = {}) => ({
    profile: { email: ['event.email'] },
    events: [{ metric: 'Ordered Product', for_each: 'event.line_items', include: [], ...extra }],
  });

  it('keys an element by its index when no key is set, and by position when no id is set', async () => {
    const { messages } = await map(perItem());
    expect(events(messages).map((e) => e.unique_id)).toEqual([
      'orders:d-1:0:0',
      'orders:d-1:0:1',
      'orders:d-1:0:2',
    ]);
  });

  it('flattens the element by default (include: the item)', async () => {
    const { messages } = await map({
      profile: { email: ['event.email'] },
      events: [{ metric: 'Ordered Product', for_each: 'event.line_items' }],
    });
    expect(events(messages)[0]?.properties).toMatchObject({ id: 9001, sku: 'TEE-RED-M', quantity: 2 });
    expect(events(messages)[0]?.version).toBe(1);
  });

  it('takes a lone JSONata match as one element, and nothing as no event', async () => {
    const one = await map(
      perItem({ for_each: { expr: "event.line_items[sku = 'MUG-BLK']" }, key: 'item.sku' }),
    );
    expect(events(one.messages).map((e) => e.unique_id)).toEqual(['orders:d-1:0:MUG-BLK']);
    const none = await map(perItem({ for_each: 'event.no_such_list' }));
    expect(none.messages).toEqual([]);
  });

  it('gives repeated keys distinct ids, the first unchanged, and delivers the webhook', async () => {
    // The same ring twice with different engravings: two line items with one SKU.
    const ring = { sku: 'RING-7', title: 'Ring' };
    const rings = {
      ...order,
      line_items: [
        { ...ring, engraving: 'A' },
        { sku: 'MUG-1' },
        { ...ring, engraving: 'B' },
        { sku: 'RING-7#2' },
        { ...ring, engraving: 'C' },
      ],
    };
    const first = events((await map(perItem({ key: 'item.sku' }), rings)).messages);
    const ids = first.map((e) => e.unique_id);
    expect(ids).toEqual([
      'orders:d-1:0:RING-7',
      'orders:d-1:0:MUG-1',
      'orders:d-1:0:RING-7#2',
      // A key that is itself taken by a repeat's id gets the next free one; the ids stay distinct.
      'orders:d-1:0:RING-7#2#2',
      'orders:d-1:0:RING-7#3',
    ]);
    expect(new Set(ids).size).toBe(ids.length);
    // Deterministic: the same webhook mapped again gives the same ids.
    const again = events((await map(perItem({ key: 'item.sku' }), rings)).messages);
    expect(again.map((e) => e.unique_id)).toEqual(ids);
  });

  it('keeps the profile upsert and the order event when line items repeat a key', async () => {
    const twice = { ...order, line_items: [{ sku: 'RING-7' }, { sku: 'RING-7' }] };
    const { messages } = await map(
      {
        ...perItem({ key: 'item.sku' }),
        events: [
          { id: 'order', metric: 'Placed Order', include: [] },
          perItem({ key: 'item.sku' }).events[0],
        ],
        profile_attributes: { first_name: 'event.customer.first_name' },
      },
      twice,
    );
    expect(messages.map((m) => m.type)).toEqual([
      'klaviyo.profile-upsert',
      'klaviyo.event',
      'klaviyo.event',
      'klaviyo.event',
    ]);
  });

  it('refuses a webhook that would become more than 500 events', async () => {
    const many = { ...order, line_items: Array.from({ length: 501 }, (_, id) => ({ id })) };
    const error = await failure(map(perItem({ key: 'item.id' }), many));
    expect(error?.reason).toBe('too_many_events');
  });

  it('refuses an element without a usable key, naming the field', async () => {
    const error = await failure(map(perItem({ key: 'item.missing' })));
    expect(error?.reason).toBe('event_key_invalid');
    expect(error?.message).toContain('sources.orders.mapping.events[0].key');
  });

  it('packs a webhook’s events, and their redelivered copies, into bulk requests without a repeated unique_id', async () => {
    const mapped = events((await map(orderMapping)).messages);
    // The same webhook re-processed: the same events again, from other SQS messages.
    const items = [...mapped, ...mapped].map((event, n) => ({ id: `m${n}`, event }));
    const plan = planBulkRequests(items);
    for (const request of plan.requests) {
      const ids = request.body.data.attributes['events-bulk-create'].data.flatMap((entry) =>
        entry.attributes.events.data.map((e) => e.attributes.unique_id),
      );
      expect(new Set(ids).size).toBe(ids.length);
    }
    expect(plan.requests.flatMap((r) => r.all)).toHaveLength(4);
    expect([...plan.followers.keys()]).toEqual(['m4', 'm5', 'm6', 'm7']);
  });
});

describe('expressions and paths in the mapping', () => {
  it('reads metric, value, time, identifiers and profile attributes from expressions', async () => {
    const { messages } = await map({
      metric: { expr: "'Order ' & $uppercase(event.financial_status)" },
      profile: {
        email: [{ expr: '$lowercase(event.email)' }],
        external_id: [{ expr: '$string(event.customer.id)' }],
      },
      value: { expr: '$number(event.total_price) - 10' },
      time: { expr: "$replace(event.created_at, '09:15', '10:45')" },
      include: [],
      profile_attributes: {
        first_name: { expr: 'event.customer.first_name' },
        'properties.lifetime_items': { expr: '$sum(event.line_items.quantity)' },
      },
    });
    const [upsert, event] = messages;
    expect(upsert).toMatchObject({
      type: 'klaviyo.profile-upsert',
      profile: { email: 'grace.hopper@example.com', external_id: '7001' },
      attributes: { first_name: 'Grace' },
      properties: { lifetime_items: 4 },
    });
    expect(event).toMatchObject({
      version: 1,
      metric: 'Order PAID',
      value: 87.4,
      time: '2026-11-20T10:45:00.000Z',
      unique_id: 'orders:d-1',
      properties: { relay_source: 'orders' },
    });
  });

  it('leaves out what a missing path or an empty expression result does not give', async () => {
    const { messages } = await map({
      profile: { email: ['event.email'] },
      value: 'event.no_total',
      value_currency: 'event.no_currency',
      include: [],
      properties: { Missing: 'event.nothing_here', Empty: { expr: 'event.nothing_here' } },
      keep: { Items: 'event.no_items' },
    });
    const [event] = events(messages);
    expect(event).not.toHaveProperty('value');
    expect(event).not.toHaveProperty('value_currency');
    expect(event?.properties).toEqual({ relay_source: 'orders' });
    // Nothing nested and no currency: the event fits v1, which a deliver not yet updated still reads.
    expect(event?.version).toBe(1);
  });

  it('a runaway expression is a permanent failure (expression_limit) naming the field', async () => {
    const error = await failure(
      map({
        profile: { email: ['event.email'] },
        value: { expr: '($f := function($n) { $f($n + 1) }; $f(0))' },
      }),
    );
    expect(error).toBeInstanceOf(PermanentError);
    expect(error?.reason).toBe('expression_limit');
    expect(error?.message).toMatch(/^sources\.orders\.mapping\.value: /);
  });

  it('a numeric time outside what a date can hold falls back to the received time, and says so', async () => {
    for (const time of [1e16, -1e16, 8.64e15 + 1]) {
      const mapped = await map(
        { profile: { email: ['event.email'] }, include: [], time: 'event.at' },
        {
          ...order,
          at: time,
        },
      );
      expect(events(mapped.messages)[0]?.time).toBe('2026-11-23T10:00:00.000Z');
      expect(mapped.timeFallbacks).toEqual([{ where: 'sources.orders.mapping.time', value: time }]);
    }
    const fine = await map(
      { profile: { email: ['event.email'] }, include: [], time: 'event.at' },
      {
        ...order,
        at: 1_763_892_000,
      },
    );
    expect(events(fine.messages)[0]?.time).toBe('2025-11-23T10:00:00.000Z');
    expect(fine.timeFallbacks).toEqual([]);
  });

  it('a metric expression must give a name', async () => {
    const error = await failure(map({ profile: { email: ['event.email'] }, metric: { expr: 'event.id' } }));
    expect(error?.reason).toBe('metric_invalid');
  });

  it('takes ISO 4217 codes, uppercasing lowercase ones, and refuses anything else with the field named', async () => {
    const base = { profile: { email: ['event.email'] }, include: [] };
    const ok = events((await map({ ...base, value_currency: { expr: "'usd'" } })).messages)[0];
    expect(ok).toMatchObject({ version: 2, value_currency: 'USD' });
    const error = await failure(map({ ...base, value_currency: { expr: "'dollars'" } }));
    expect(error?.reason).toBe('value_currency_invalid');
    expect(error?.message).toContain('sources.orders.mapping.value_currency');
  });

  it('sets backfill per source', async () => {
    const [event] = events((await map({ profile: { email: ['event.email'] }, backfill: true })).messages);
    expect(event?.backfill).toBe(true);
  });
});

describe('properties, keep and extra', () => {
  it('keeps a dot path as it is and leaves it out of the flattened properties', async () => {
    const [event] = events(
      (await map({ profile: { email: ['event.email'] }, keep: { Items: 'event.line_items' } })).messages,
    );
    expect(event?.version).toBe(2);
    expect(event?.properties.Items).toEqual(order.line_items);
    expect(Object.keys(event?.properties ?? {}).filter((k) => k.startsWith('line_items'))).toEqual([]);
    // The rest of the event is flattened as before.
    expect(event?.properties).toMatchObject({ id: 5501, customer_first_name: 'Grace', total_price: '97.40' });
  });

  it('flattens a computed object under its name, and computed names win over flattened ones', async () => {
    const [event] = events(
      (
        await map({
          profile: { email: ['event.email'] },
          properties: {
            customer: { expr: '{ "tier": "gold" }' },
            total_price: { expr: '$number(event.total_price)' },
          },
        })
      ).messages,
    );
    expect(event?.properties).toMatchObject({ customer_tier: 'gold', total_price: 97.4 });
  });

  it('keeps to 400 properties: computed, kept and extra first, flattened ones dropped and reported', async () => {
    const wide = {
      email: 'x@example.com',
      ...Object.fromEntries(Array.from({ length: 450 }, (_, i) => [`f${i}`, i])),
    };
    const result = await map(
      {
        profile: { email: ['event.email'] },
        properties: { Computed: { expr: '1' } },
        extra: { Note: { expr: "'n'" } },
      },
      wide,
    );
    const [event] = events(result.messages);
    expect(Object.keys(event?.properties ?? {})).toHaveLength(400);
    expect(event?.properties).toMatchObject({ Computed: 1, $extra: { Note: 'n' }, relay_source: 'orders' });
    expect(result.droppedProperties).toHaveLength(451 - 397);
  });

  it('cuts kept strings to Klaviyo’s 100 KB', async () => {
    const [event] = events(
      (
        await map({
          profile: { email: ['event.email'] },
          include: [],
          keep: { Notes: { expr: "[$pad('', 150000, 'x')]" } },
        })
      ).messages,
    );
    expect((event?.properties.Notes as string[])[0]).toHaveLength(100_000);
  });
  it('refuses an event whose properties Klaviyo would not take (over 4.5 MB), naming the field', async () => {
    const huge = { email: 'x@example.com', notes: Array.from({ length: 50 }, () => 'x'.repeat(100_000)) };
    const error = await failure(
      map({ profile: { email: ['event.email'] }, include: [], keep: { Notes: 'event.notes' } }, huge),
    );
    expect(error?.reason).toBe('event_too_large');
    expect(error?.message).toMatch(/^sources\.orders\.mapping: /);
  });
});

describe('what deliver sends', () => {
  it('puts value_currency beside the value and kept properties as they are, as Klaviyo expects', async () => {
    const [placed] = events((await map(orderMapping)).messages);
    if (!placed) throw new Error('no event');
    const body = createEventBody(placed);
    expect(body.data.attributes).toMatchObject({ value_currency: 'EUR', unique_id: 'orders:d-1:order' });
    expect(body.data.attributes.properties).toHaveProperty('Items.0.SKU', 'TEE-RED-M');
    expect(body.data.attributes.properties).toHaveProperty('$extra.OrderName', '#5501');
  });
});

describe('hydrate with several events and a filter', () => {
  const config = relayConfigSchema().parse({
    version: 1,
    sources: { orders: { kind: 'shopify', secrets: [{ env: 'S' }], mapping: orderMapping } },
    klaviyo: { api_key: { env: 'K' } },
  });
  const ports = (deliverQueue: MessageQueue) => ({
    config,
    deliverQueue,
    log: { info: vi.fn(), warn: vi.fn() } as unknown as Logger,
    fetch: () => Promise.reject(new Error('no source API in this test')),
    resolveSecret: () => Promise.reject(new Error('no secrets in this test')),
    now: Date.now,
  });

  it('sends a webhook’s events to deliver in one batch; a message not sent fails the record for a retry', async () => {
    const batches: OutgoingMessage[][] = [];
    const queue = (failed: string[]): MessageQueue => ({
      maxBodyBytes: 1_000_000,
      send: () => Promise.reject(new Error('sendBatch is used')),
      sendBatch: (messages) => {
        batches.push([...messages]);
        return Promise.resolve({ failedIds: failed, reasons: failed.map(() => 'throttled') });
      },
    });
    await hydrateEvent(webhook(), ports(queue([])));
    expect(batches.map((b) => b.length)).toEqual([4]);
    expect(batches[0]?.[0]?.correlationId).toBe('orders:d-1');
    const error = await hydrateEvent(webhook(), ports(queue(['2']))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).reason).toBe('deliver_enqueue_failed');
  });

  it('logs and counts a skip and sends nothing; it is not a failure, so nothing is dead-lettered', async () => {
    const sent: unknown[] = [];
    const deliverQueue = {
      maxBodyBytes: 1_000_000,
      send: (m: unknown) => Promise.resolve(void sent.push(m)),
      sendBatch: () => Promise.resolve({ failedIds: [], reasons: [] }),
    } satisfies MessageQueue;
    const log = { info: vi.fn(), warn: vi.fn() };
    const count = vi.fn();
    await hydrateEvent(webhook({ ...order, test: true }), {
      config,
      deliverQueue,
      log: log as unknown as Logger,
      count,
      fetch: () => Promise.reject(new Error('no source API in this test')),
      resolveSecret: () => Promise.reject(new Error('no secrets in this test')),
      now: Date.now,
    });
    expect(sent).toEqual([]);
    expect(count).toHaveBeenCalledWith('skipped_by_filter', 1);
    expect(log.info).toHaveBeenCalledWith(
      'events skipped by a filter',
      expect.objectContaining({
        reason: 'filter',
        skipped: [
          {
            where: 'sources.orders.mapping.filter',
            condition: '$not(event.test)',
            values: { 'event.test': true },
          },
        ],
      }),
    );
  });
});

describe('one mapping for several event types', () => {
  const byTopic = {
    profile: { email: ['event.email'] },
    emit: 'event',
    emit_by_event_type: { 'customers/create': 'profile' },
    profile_attributes: { first_name: 'event.customer.first_name' },
    events: [
      { id: 'placed', metric: 'Placed Order', event_types: ['orders/create'], include: [] },
      { id: 'cancelled', metric: 'Cancelled Order', event_types: ['orders/cancelled'], include: [] },
    ],
  };

  it('an entry applies to its event types only, and passes the others by without a skip', async () => {
    const { messages, skipped } = await map(byTopic);
    expect(events(messages).map((e) => [e.metric, e.unique_id])).toEqual([
      ['Placed Order', 'orders:d-1:placed'],
    ]);
    expect(skipped).toEqual([]);
  });

  it('emit_by_event_type wins over emit: a customer topic sends the profile upsert alone', async () => {
    const source = sourceWith(byTopic);
    const { messages } = await mapToKlaviyoMessages(
      { ...webhook(), event_type: 'customers/create' },
      source,
      {
        event: order,
        meta: {},
      },
    );
    expect(messages.map((m) => m.type)).toEqual(['klaviyo.profile-upsert']);
  });
});
