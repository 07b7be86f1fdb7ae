// The bigcommerce preset, scope by scope: each thin webhook (written from BigCommerce's documented payload) is
// hydrated from recorded v2/v3 API answers and becomes the exact Klaviyo requests expected, each one Klaviyo's
// contract accepts. Incomplete orders are skipped; guest orders are not looked up as customers.
import { describe, expect, it } from 'vitest';
import {
  expectContractValid,
  expectedRequests,
  mapPresetCase,
  type PresetCase,
} from '../helpers/preset-cases.ts';

const scope = (topic: string, fixture?: string): PresetCase => {
  const name = fixture ?? topic.replace(/\//g, '-');
  return { topic, fixture: name, headers: [], responses: name };
};

const cases: PresetCase[] = [
  scope('store/order/created'),
  scope('store/order/statusUpdated', 'store-order-statusUpdated-placed'),
  scope('store/order/statusUpdated', 'store-order-statusUpdated-shipped'),
  scope('store/order/statusUpdated', 'store-order-statusUpdated-cancelled'),
  scope('store/order/statusUpdated', 'store-order-statusUpdated-refunded'),
  scope('store/customer/created'),
];

describe('bigcommerce preset', () => {
  it.each(cases)('$fixture → the expected Klaviyo requests', async (c) => {
    const result = await mapPresetCase('bigcommerce', c);
    expect(result.failure).toBeUndefined();
    // A status change is one of several events by its new status: the others are skipped by their filters.
    for (const skipped of result.skipped)
      expect(skipped).toMatchObject({ where: expect.stringMatching(/\.events\[\d+\]\.filter$/) as unknown });
    expect(result.requests).toEqual(await expectedRequests('bigcommerce', c, result.requests));
    expectContractValid(result.requests);
  });

  it('fetches the order, its products, shipping addresses and coupons, and the customer from the store hash in producer', async () => {
    const c = cases[0];
    if (!c) throw new Error('no case');
    const { source_calls: calls } = await mapPresetCase('bigcommerce', c);
    expect(calls.map((call) => [call.step, call.url])).toEqual([
      ['order', 'https://api.bigcommerce.com/stores/r7k2m9x4qa/v2/orders/1187'],
      ['products', 'https://api.bigcommerce.com/stores/r7k2m9x4qa/v2/orders/1187/products'],
      [
        'shipping_addresses',
        'https://api.bigcommerce.com/stores/r7k2m9x4qa/v2/orders/1187/shipping_addresses',
      ],
      ['coupons', 'https://api.bigcommerce.com/stores/r7k2m9x4qa/v2/orders/1187/coupons'],
      [
        'customer',
        expect.stringMatching(/^https:\/\/api\.bigcommerce\.com\/stores\/r7k2m9x4qa\/v3\/customers\?/),
      ],
    ]);
  });

  it('a guest order (customer_id 0) is not looked up; its email comes from the billing address', async () => {
    const c = cases[1];
    if (!c) throw new Error('no case');
    const result = await mapPresetCase('bigcommerce', c);
    expect(result.source_calls.map((call) => call.step)).not.toContain('customer');
    const first = result.requests[0]?.body as {
      data: { attributes: { profile: { data: { attributes: unknown } } } };
    };
    expect(first.data.attributes.profile.data.attributes).toEqual({ email: 'charles.babbage@example.com' });
  });

  it('skips an order still Incomplete, after fetching the order alone', async () => {
    const result = await mapPresetCase(
      'bigcommerce',
      scope('store/order/created', 'store-order-created-incomplete'),
    );
    expect(result.failure).toBeUndefined();
    expect(result.requests).toEqual([]);
    expect(result.skipped).toEqual([
      {
        where: 'sources.bigcommerce.mapping.filter',
        condition: '$not(order.status_id = 0)',
        values: { 'order.status_id': 0 },
      },
    ]);
    expect(result.source_calls.map((call) => call.step)).toEqual(['order']);
  });
});
