import { describe, expect, it } from 'vitest';
import { sourceSchema } from '../../functions/shared/config.ts';
import type { WebhookReceivedV1 } from '../../functions/shared/contracts.ts';
import { PermanentError } from '../../functions/shared/errors.ts';
import { humanizeEventType, mapToKlaviyoEvent, uniqueIdFor } from '../../functions/hydrate/map-to-klaviyo.ts';

const message: WebhookReceivedV1 = {
  type: 'webhook.received',
  version: 1,
  correlation_id: 'demo:d-1',
  source: 'demo',
  delivery_id: 'd-1',
  event_type: 'order.created',
  received_at: '2026-11-23T10:00:00.000Z',
  meta: {},
  payload: {
    id: '1001',
    total: '31.49',
    created_at: 1_763_892_000,
    products: [{ sku: 'A' }],
    customer: 'cus_1',
  },
};

const source = sourceSchema().parse({
  kind: 'generic-hmac',
  secrets: [{ env: 'S' }],
  signature: { header: 'x-sig' },
  hydration: { base_url: 'https://api.local', steps: [{ name: 'customer', path: '/c/{event.customer}' }] },
  mapping: {
    metric_by_event_type: { 'order.created': 'Placed Order' },
    profile: { email: ['customer.email'], external_id: ['customer.id'] },
    value: 'event.total',
    time: 'event.created_at',
  },
});

describe('mapToKlaviyoEvent', () => {
  const context = {
    event: message.payload,
    meta: {},
    customer: { id: 42, email: 'ada@example.com', name: 'Ada' },
  };

  it('builds a Klaviyo event from the event and what hydration fetched', async () => {
    const { event } = await mapToKlaviyoEvent(message, source, context);
    expect(event).toMatchObject({
      metric: 'Placed Order',
      profile: { email: 'ada@example.com', external_id: '42' },
      value: 31.49,
      time: '2025-11-23T10:00:00.000Z',
      unique_id: 'demo:d-1',
      backfill: false,
      properties: {
        id: '1001',
        products_sku: ['A'],
        relay_source: 'demo',
        products_count: 1,
        customer_name: 'Ada',
        customer_email: 'ada@example.com',
      },
    });
  });

  it('derives the same unique_id every time', async () => {
    expect((await mapToKlaviyoEvent(message, source, context)).event.unique_id).toBe(
      (await mapToKlaviyoEvent(message, source, context)).event.unique_id,
    );
    expect(uniqueIdFor('s', 'x'.repeat(400))).toMatch(/^s:sha256:[0-9a-f]{64}$/);
  });

  it('falls back to the humanised event type and the receive time', async () => {
    const plain = sourceSchema().parse({ kind: 'shopify', secrets: [{ env: 'S' }] });
    const { event } = await mapToKlaviyoEvent({ ...message, event_type: 'orders/paid' }, plain, {
      event: { email: 'x@example.com' },
      meta: {},
    });
    expect(event.metric).toBe('Orders Paid');
    expect(event.time).toBe(message.received_at);
  });

  it('refuses an event with no profile identifier, as a permanent failure', async () => {
    await expect(mapToKlaviyoEvent(message, source, { event: {}, meta: {} })).rejects.toThrowError(
      PermanentError,
    );
  });

  it('humanises common event type styles', () => {
    expect(humanizeEventType('orders/create')).toBe('Orders Create');
    expect(humanizeEventType('invoice.payment_succeeded')).toBe('Invoice Payment Succeeded');
  });
});
