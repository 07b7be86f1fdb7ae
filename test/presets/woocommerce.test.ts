// The woocommerce preset, topic by topic: each webhook (written from WooCommerce's documented order and customer
// payloads) becomes the exact Klaviyo requests expected, each one Klaviyo's contract accepts. An update's order
// status decides the event.
import { describe, expect, it } from 'vitest';
import {
  expectContractValid,
  expectedRequests,
  mapPresetCase,
  type PresetCase,
} from '../helpers/preset-cases.ts';

const wooCase = (topic: string, fixture: string): PresetCase => ({
  topic,
  fixture,
  headers: [`x-wc-webhook-topic:${topic}`, `x-wc-webhook-delivery-id:${fixture}-1`],
});

const cases: PresetCase[] = [
  wooCase('order.created', 'order-created'),
  wooCase('order.updated', 'order-updated-completed'),
  wooCase('order.updated', 'order-updated-cancelled'),
  wooCase('order.updated', 'order-updated-refunded'),
  wooCase('customer.created', 'customer-created'),
];

const metricsOf = (requests: { body: unknown }[]) =>
  requests.map(
    (r) =>
      (r.body as { data: { attributes: { metric?: { data: { attributes: { name: string } } } } } }).data
        .attributes.metric?.data.attributes.name ?? 'profile',
  );

describe('woocommerce preset', () => {
  it.each(cases)('$fixture → the expected Klaviyo requests', async (c) => {
    const result = await mapPresetCase('woocommerce', c);
    expect(result.failure).toBeUndefined();
    expect(result.requests).toEqual(await expectedRequests('woocommerce', c, result.requests));
    expectContractValid(result.requests);
  });

  it('the order status decides the event; a later edit of a completed order is not a second fulfilment', async () => {
    const metrics = await Promise.all(
      cases.map(async (c) => metricsOf((await mapPresetCase('woocommerce', c)).requests)),
    );
    expect(metrics).toEqual([
      ['Placed Order', 'Ordered Product', 'Ordered Product', 'Ordered Product'],
      ['Fulfilled Order'],
      ['Cancelled Order'],
      ['Refunded Order'],
      ['profile'],
    ]);
    const edit = await mapPresetCase(
      'woocommerce',
      wooCase('order.updated', 'order-updated-completed-later-edit'),
    );
    expect(edit.requests).toEqual([]);
  });

  it('an order created pending payment is not placed (yet)', async () => {
    const pending = await mapPresetCase('woocommerce', wooCase('order.created', 'order-created-pending'));
    expect(pending.requests).toEqual([]);
    expect(pending.failure).toBeUndefined();
  });
});
