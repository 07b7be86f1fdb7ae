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
import {
  expectCreateJobsValid,
  presetCatalogRows,
  presetCatalogRun,
} from '../helpers/preset-catalog-rows.ts';

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

// Product scopes write the catalog alone: the thin webhook hydrated from the Catalog API (product with variants
// and images) and /v2/store; a delete needs no call (its folder of recorded answers does not exist).
const productCases: PresetCase[] = [
  scope('store/product/created'),
  scope('store/product/updated'),
  scope('store/product/deleted'),
];

// Category scopes: thin as well, a created or updated category read from the Category Trees API; a delete needs
// no call.
const categoryCases: PresetCase[] = [
  scope('store/category/created'),
  scope('store/category/updated'),
  scope('store/category/deleted'),
];

describe('bigcommerce preset', () => {
  it.each([...cases, ...productCases, ...categoryCases])(
    '$fixture → the expected Klaviyo requests',
    async (c) => {
      const result = await mapPresetCase('bigcommerce', c);
      expect(result.failure).toBeUndefined();
      // A status change is one of several events by its new status: the others are skipped by their filters.
      for (const skipped of result.skipped)
        expect(skipped).toMatchObject({
          where: expect.stringMatching(/\.events\[\d+\]\.filter$/) as unknown,
        });
      expect(result.requests).toEqual(await expectedRequests('bigcommerce', c, result.requests));
      expectContractValid(result.requests);
    },
  );

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

  it('a product scope reads the product with its variants and images, and the store; a delete reads nothing', async () => {
    const calls = await Promise.all(
      productCases.map(async (c) => (await presetCatalogRun('bigcommerce', c)).urls),
    );
    expect(calls).toEqual([
      [
        'https://api.bigcommerce.com/stores/r7k2m9x4qa/v3/catalog/products/174?include=variants,images',
        'https://api.bigcommerce.com/stores/r7k2m9x4qa/v2/store',
        'https://api.bigcommerce.com/stores/r7k2m9x4qa/v3/catalog/trees/categories?category_id:in=17%2C18&limit=250',
      ],
      [
        'https://api.bigcommerce.com/stores/r7k2m9x4qa/v3/catalog/products/188?include=variants,images',
        'https://api.bigcommerce.com/stores/r7k2m9x4qa/v2/store',
        'https://api.bigcommerce.com/stores/r7k2m9x4qa/v3/catalog/trees/categories?category_id:in=23%2C41&limit=250',
      ],
      [],
    ]);
  });

  it('an item per product and a variant per variant, versioned by date_modified; a delete removes the item', async () => {
    // The product's categories, written beside it, are the test below's.
    const rows = (await Promise.all(productCases.map((c) => presetCatalogRows('bigcommerce', c)))).map(
      (made) => made.filter((r) => r.entity !== 'category'),
    );
    // A first write creates: the create jobs carry what Klaviyo requires.
    expect(expectCreateJobsValid(rows.flat())).toBeGreaterThan(0);
    expect(
      rows.map((made) => made.map((r) => `${r.operation} ${r.entity} ${r.external_id} ${r.as_of}`)),
    ).toEqual([
      [
        'upsert item 174 2026-12-03T08:15:42.000Z',
        'upsert variant 301 2026-12-03T08:15:42.000Z',
        'upsert variant 302 2026-12-03T08:15:42.000Z',
        'upsert variant 303 2026-12-03T08:15:42.000Z',
      ],
      ['upsert item 188 2026-12-04T16:40:05.000Z', 'upsert variant 377 2026-12-04T16:40:05.000Z'],
      // The webhook's own time (created_at): the product is gone, and with it its date_modified.
      ['delete item 174 2026-12-05T09:30:00.000Z'],
    ]);
    const [created = []] = rows;
    expect(
      created.map((r) => [r.fields?.title, r.fields?.sku, r.fields?.price, r.fields?.inventory_quantity]),
    ).toEqual([
      ['Harbour Linen Shirt', undefined, 48, undefined],
      ['Harbour Linen Shirt - Blue / M', 'HLS-BLU-M', 48, 7],
      ['Harbour Linen Shirt - Blue / L', 'HLS-BLU-L', 52, 4],
      ['Harbour Linen Shirt - Sand / L', '303', 48, 0],
    ]);
    expect(created[0]?.fields?.url).toBe('https://shop.example.com/harbour-linen-shirt/');
  });

  it("a category per created or updated category (read by id from the Category Trees API), versioned by the webhook's created_at; a delete by id", async () => {
    const runs = await Promise.all(categoryCases.map((c) => presetCatalogRun('bigcommerce', c)));
    expect(expectCreateJobsValid(runs.flatMap((run) => run.rows))).toBe(1);
    expect(
      runs.map(({ rows }) =>
        rows.map((r) => `${r.operation} ${r.entity} ${r.external_id} ${r.fields?.name} ${r.as_of}`),
      ),
    ).toEqual([
      ['upsert category 41 Camp Kitchen 2026-12-05T08:40:00.000Z'],
      ['upsert category 23 Kitchen & Dining 2026-12-05T09:10:00.000Z'],
      ['delete category 41 undefined 2026-12-05T10:03:20.000Z'],
    ]);
    expect(runs.map(({ urls }) => urls)).toEqual([
      ['https://api.bigcommerce.com/stores/r7k2m9x4qa/v3/catalog/trees/categories?category_id:in=41'],
      ['https://api.bigcommerce.com/stores/r7k2m9x4qa/v3/catalog/trees/categories?category_id:in=23'],
      [],
    ]);
  });

  it('a category gone before it was read writes nothing (its delete webhook follows)', async () => {
    const { rows, urls } = await presetCatalogRun('bigcommerce', {
      ...scope('store/category/updated'),
      responses: 'store-category-updated-gone',
    });
    expect(urls).toHaveLength(1);
    expect(rows).toEqual([]);
  });

  it("an item names its product's categories by id, and they are written beside it (read in one call)", async () => {
    const [created = []] = await Promise.all(productCases.map((c) => presetCatalogRows('bigcommerce', c)));
    expect(expectCreateJobsValid(created)).toBe(3);
    expect(created.find((r) => r.entity === 'item')?.fields?.categories).toEqual(['17', '18']);
    expect(
      created.filter((r) => r.entity === 'category').map((r) => [r.external_id, r.fields?.name, r.as_of]),
    ).toEqual([
      // As new as the webhook (created_at): they were read after it came.
      ['17', 'Shirts', '2026-12-03T08:20:00.000Z'],
      ['18', 'Linen', '2026-12-03T08:20:00.000Z'],
    ]);
  });
});
