// The shopify preset, topic by topic: each fixture (written from Shopify's documented webhook fields) becomes the
// exact Klaviyo requests expected, and each request is one Klaviyo's contract accepts.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  expectContractValid,
  expectedRequests,
  mapPresetCase,
  readExpected,
  type PresetCase,
} from '../helpers/preset-cases.ts';

const headersFor = (topic: string, eventId: string) => [
  `x-shopify-topic:${topic}`,
  `x-shopify-event-id:${eventId}`,
  'x-shopify-shop-domain:northwind-outfitters.myshopify.com',
];

const cases: PresetCase[] = [
  { topic: 'orders/create', headers: headersFor('orders/create', 'evt-create-1042') },
  { topic: 'orders/fulfilled', headers: headersFor('orders/fulfilled', 'evt-fulfil-1042') },
  { topic: 'orders/cancelled', headers: headersFor('orders/cancelled', 'evt-cancel-1042') },
  {
    topic: 'refunds/create',
    headers: headersFor('refunds/create', 'evt-refund-929361465'),
    responses: 'refunds-create',
  },
  { topic: 'checkouts/create', headers: headersFor('checkouts/create', 'evt-checkout-1') },
  { topic: 'customers/create', headers: headersFor('customers/create', 'evt-customer-1') },
  { topic: 'customers/update', headers: headersFor('customers/update', 'evt-customer-2') },
  { topic: 'products/create', headers: headersFor('products/create', 'evt-product-1') },
  { topic: 'products/update', headers: headersFor('products/update', 'evt-product-2') },
  { topic: 'products/delete', headers: headersFor('products/delete', 'evt-product-3') },
  { topic: 'collections/create', headers: headersFor('collections/create', 'evt-collection-1') },
  { topic: 'collections/update', headers: headersFor('collections/update', 'evt-collection-2') },
  { topic: 'collections/delete', headers: headersFor('collections/delete', 'evt-collection-3') },
];

describe('shopify preset', () => {
  it.each(cases)('$topic → the expected Klaviyo requests', async (c) => {
    const result = await mapPresetCase('shopify', c);
    expect(result.failure).toBeUndefined();
    expect(result.skipped).toEqual([]);
    expect(result.requests).toEqual(await expectedRequests('shopify', c, result.requests));
    expectContractValid(result.requests);
  });

  const metricsOf = (requests: { body: unknown }[]) =>
    requests.map(
      (r) =>
        (r.body as { data: { attributes: { metric?: { data: { attributes: { name: string } } } } } }).data
          .attributes.metric?.data.attributes.name ?? 'profile',
    );

  it('orders/create: one Placed Order and an Ordered Product per line item, ids keyed by the line item', async () => {
    const c = cases[0];
    if (!c) throw new Error('no case');
    const { requests } = await mapPresetCase('shopify', c);
    expect(metricsOf(requests)).toEqual([
      'Placed Order',
      'Ordered Product',
      'Ordered Product',
      'Ordered Product',
    ]);
    const ids = requests.map(
      (r) => (r.body as { data: { attributes: { unique_id: string } } }).data.attributes.unique_id,
    );
    expect(ids).toEqual([
      'shopify:evt-create-1042:placed_order',
      'shopify:evt-create-1042:ordered_product:11001',
      'shopify:evt-create-1042:ordered_product:11002',
      'shopify:evt-create-1042:ordered_product:11003',
    ]);
  });

  it('follow-up events keep the order id of the Placed Order', async () => {
    const orderIds = [];
    for (const c of cases.slice(0, 4)) {
      const { requests } = await mapPresetCase('shopify', c);
      const first = requests[0]?.body as { data: { attributes: { properties: { OrderId: unknown } } } };
      orderIds.push(first.data.attributes.properties.OrderId);
    }
    expect(new Set(orderIds)).toEqual(new Set([5820331950186]));
  });

  it('skips a test order and a topic it does not map, with the filter as the reason', async () => {
    const testOrder = await mapPresetCase('shopify', {
      topic: 'orders/create',
      fixture: 'orders-create-test',
      headers: headersFor('orders/create', 'evt-test-order'),
    });
    expect(testOrder.requests).toEqual([]);
    expect(testOrder.skipped).toEqual([
      {
        where: 'sources.shopify.mapping.filter',
        condition: '$not(event.test = true)',
        values: { 'event.test': true },
      },
    ]);

    const result = await mapPresetCase('shopify', {
      topic: 'inventory_levels/update',
      fixture: 'orders-create',
      headers: headersFor('inventory_levels/update', 'evt-inventory'),
    });
    expect(result.requests).toEqual([]);
    expect(result.skipped).toEqual([
      {
        where: 'sources.shopify.mapping.filter',
        condition: expect.stringMatching(/^meta\.topic in \[/) as unknown,
        values: { 'meta.topic': 'inventory_levels/update' },
      },
    ]);
  });

  it('relay map --preset shopify prints the same requests', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--disable-warning=ExperimentalWarning',
      '--import',
      'tsx',
      'cli/relay.ts',
      'map',
      '--preset',
      'shopify',
      '--file',
      'test/fixtures/presets/shopify/orders-create.json',
      '--header',
      'x-shopify-topic:orders/create',
      // No X-Shopify-Event-Id: a sample file comes without the sender's headers; --delivery-id stands in.
      '--delivery-id',
      'evt-create-1042',
      '--json',
    ]);
    const printed = JSON.parse(stdout) as { requests: unknown[] };
    const c = cases[0];
    if (!c) throw new Error('no case');
    expect(printed.requests).toEqual(await readExpected('shopify', c));
  });
});
