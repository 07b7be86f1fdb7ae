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
import { expectCreateJobsValid, presetCatalogRows } from '../helpers/preset-catalog-rows.ts';

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

// Product topics write the catalog alone: an item, a simple product's variant of the same id, a variation's
// variant of its product; a delete removes the item and that variant.
const productCases: PresetCase[] = [
  wooCase('product.created', 'product-created'),
  wooCase('product.updated', 'product-updated'),
  wooCase('product.updated', 'product-updated-variation'),
  wooCase('product.deleted', 'product-deleted'),
];

const metricsOf = (requests: { body: unknown }[]) =>
  requests.map(
    (r) =>
      (r.body as { data: { attributes: { metric?: { data: { attributes: { name: string } } } } } }).data
        .attributes.metric?.data.attributes.name ?? 'profile',
  );

describe('woocommerce preset', () => {
  it.each([...cases, ...productCases])('$fixture → the expected Klaviyo requests', async (c) => {
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

  it('product topics write catalog rows alone, each versioned by date_modified_gmt', async () => {
    const all = await Promise.all(productCases.map((c) => presetCatalogRows('woocommerce', c)));
    // A first write creates: the create jobs carry what Klaviyo requires.
    expect(expectCreateJobsValid(all.flat())).toBeGreaterThan(0);
    // The product's categories, written beside it, are the next test's.
    const rows = all.map((made) => made.filter((r) => r.entity !== 'category'));
    expect(rows.map((made) => made.map((r) => `${r.operation} ${r.entity} ${r.external_id}`))).toEqual([
      ['upsert item 794', 'upsert variant 794'],
      ['upsert item 799'],
      ['upsert variant 800'],
      ['delete item 794', 'delete variant 794'],
    ]);
    expect(rows.slice(0, 3).map((made) => made.map((r) => r.as_of))).toEqual([
      ['2026-12-01T14:40:11.000Z', '2026-12-01T14:40:11.000Z'],
      ['2026-12-02T16:05:30.000Z'],
      ['2026-12-02T16:05:29.000Z'],
    ]);
    // A variation names its product; a simple product's variant names the product of the same id.
    expect([rows[0]?.[1]?.fields?.item, rows[2]?.[0]?.fields?.item]).toEqual(['794', '799']);
    // Neither an event nor a profile upsert.
    for (const c of productCases)
      expect((await mapPresetCase('woocommerce', c)).requests.every((r) => r.path.includes('catalog'))).toBe(
        true,
      );
  });

  it("a product's categories: a category each (id, name), and the item names them; a variation has none", async () => {
    const rows = await Promise.all(productCases.map((c) => presetCatalogRows('woocommerce', c)));
    const categories = rows.map((made) =>
      made.filter((r) => r.entity === 'category').map((r) => [r.external_id, r.fields?.name, r.as_of]),
    );
    expect(categories).toEqual([
      [
        ['9', 'Clothing', '2026-12-01T14:40:11.000Z'],
        ['14', 'T-shirts', '2026-12-01T14:40:11.000Z'],
      ],
      [
        ['9', 'Clothing', '2026-12-02T16:05:30.000Z'],
        ['14', 'T-shirts', '2026-12-02T16:05:30.000Z'],
      ],
      [],
      [],
    ]);
    expect(rows.map((made) => made.find((r) => r.entity === 'item')?.fields?.categories)).toEqual([
      ['9', '14'],
      ['9', '14'],
      undefined,
      undefined,
    ]);
  });
});
