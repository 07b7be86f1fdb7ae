// The stripe preset, event type by event type: each event (written from Stripe's documented objects) becomes the
// exact Klaviyo requests expected, each one Klaviyo's contract accepts. A Checkout Session's line items come from
// recorded pages of `/v1/checkout/sessions/{id}/line_items` (has_more + starting_after); amounts are minor units.
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

const stripeCase = (topic: string, withResponses = false): PresetCase => {
  const fixture = topic.replace(/\./g, '-');
  return { topic, fixture, headers: [], ...(withResponses ? { responses: fixture } : {}) };
};

const cases: PresetCase[] = [
  stripeCase('checkout.session.completed', true),
  stripeCase('invoice.paid'),
  stripeCase('customer.subscription.created', true),
  stripeCase('customer.subscription.updated', true),
  stripeCase('customer.subscription.deleted', true),
  stripeCase('charge.refunded'),
];

// Product events write the catalog alone: an item per product that has a URL; a delete removes it.
const productCases: PresetCase[] = [
  stripeCase('product.created'),
  stripeCase('product.updated'),
  { ...stripeCase('product.updated'), fixture: 'product-updated-no-url' },
  stripeCase('product.deleted'),
];

// Price events: a variant of the product's item (the product read for its title, URL and images); an archived or
// deleted price deletes it. Tiered prices (no unit amount) and prices of a product without a URL write nothing.
const priceCase = (fixture: string, responses?: string): PresetCase => ({
  topic: fixture.startsWith('price-deleted')
    ? 'price.deleted'
    : fixture.replace(/^price-(\w+).*$/, 'price.$1'),
  fixture,
  headers: [],
  ...(responses === undefined ? {} : { responses }),
});
const priceCases: PresetCase[] = [
  priceCase('price-created', 'price-product'),
  priceCase('price-updated', 'price-product'),
  priceCase('price-created-jpy', 'price-product'),
  priceCase('price-created-kwd', 'price-product'),
  priceCase('price-created-decimal', 'price-product'),
  priceCase('price-created-tiered'),
  priceCase('price-created-no-url', 'price-product-no-url'),
  priceCase('price-updated-inactive'),
  priceCase('price-deleted'),
];

describe('stripe preset', () => {
  it.each([...cases, ...productCases, ...priceCases])(
    '$fixture → the expected Klaviyo requests',
    async (c) => {
      const result = await mapPresetCase('stripe', c);
      expect(result.failure).toBeUndefined();
      expect(result.skipped).toEqual([]);
      expect(result.requests).toEqual(await expectedRequests('stripe', c, result.requests));
      expectContractValid(result.requests);
    },
  );

  const attributesOf = (request: { body: unknown } | undefined) =>
    (request?.body as { data: { attributes: Record<string, unknown> } }).data.attributes;

  it('checkout: follows has_more with starting_after=<last id>, one Ordered Product per line item', async () => {
    const c = cases[0];
    if (!c) throw new Error('no case');
    const result = await mapPresetCase('stripe', c);
    expect(result.source_calls.map((call) => call.file)).toEqual(['line_items.1.json', 'line_items.2.json']);
    expect(result.source_calls[1]?.url).toMatch(/[?&]starting_after=/);
    expect(result.requests.map((r) => attributesOf(r).unique_id)).toEqual([
      'stripe:evt_1QyZt5LkdIwHu7ixCheckout:placed_order',
      'stripe:evt_1QyZt5LkdIwHu7ixCheckout:ordered_product:li_1QyZsyLkdIwHu7ixA1b2C3d4',
      'stripe:evt_1QyZt5LkdIwHu7ixCheckout:ordered_product:li_1QyZsyLkdIwHu7ixE5f6G7h8',
      'stripe:evt_1QyZt5LkdIwHu7ixCheckout:ordered_product:li_1QyZsyLkdIwHu7ixI9j0K1l2',
    ]);
    // 11160 cents → 111.60 EUR
    expect(attributesOf(result.requests[0])).toMatchObject({ value: 111.6, value_currency: 'EUR' });
  });

  it('a refund keeps the order id (the payment intent) of the Placed Order', async () => {
    const [checkout, refund] = await Promise.all([
      mapPresetCase('stripe', cases[0] ?? stripeCase('')),
      mapPresetCase('stripe', cases[5] ?? stripeCase('')),
    ]);
    const orderIdOf = (r: typeof checkout) =>
      (attributesOf(r.requests[0]).properties as { OrderId: string }).OrderId;
    expect(orderIdOf(refund)).toBe(orderIdOf(checkout));
  });

  it('a zero-decimal currency is already in its major unit', async () => {
    const result = await mapPresetCase('stripe', stripeCase('charge.refunded'), {
      file: 'test/fixtures/presets/stripe/charge-refunded-jpy.json',
    });
    expect(attributesOf(result.requests[0])).toMatchObject({ value: 2520, value_currency: 'JPY' });
  });

  it('a three-decimal currency is in thousandths', async () => {
    const result = await mapPresetCase('stripe', stripeCase('charge.refunded'), {
      file: 'test/fixtures/presets/stripe/charge-refunded-kwd.json',
    });
    expect(attributesOf(result.requests[0])).toMatchObject({ value: 5.12, value_currency: 'KWD' });
  });

  it("an item per product with a URL, versioned by the product's updated; a delete by the event's time", async () => {
    const rows = await Promise.all(productCases.map((c) => presetCatalogRows('stripe', c)));
    // A first write creates: the create jobs carry what Klaviyo requires.
    expect(expectCreateJobsValid(rows.flat())).toBeGreaterThan(0);
    expect(
      rows.map((made) => made.map((r) => `${r.operation} ${r.entity} ${r.external_id} ${r.as_of}`)),
    ).toEqual([
      ['upsert item prod_RkQ8mZtY3nB2cD 2026-12-10T10:53:20.000Z'],
      ['upsert item prod_RkQ8mZtY3nB2cD 2026-12-11T11:55:00.000Z'],
      // No URL: Klaviyo could not create the item, so the product is left out.
      [],
      ['delete item prod_RkQ8mZtY3nB2cD 2026-12-12T04:33:20.000Z'],
    ]);
    expect(rows[1]?.[0]?.fields).toMatchObject({ title: 'Enamel Camp Mug (Forest)', published: true });
  });

  it("a variant per active price with a unit amount, versioned by the event's created, its product's item beside it; archived or deleted: a delete", async () => {
    const runs = await Promise.all(priceCases.map((c) => presetCatalogRun('stripe', c)));
    expect(expectCreateJobsValid(runs.flatMap((run) => run.rows))).toBeGreaterThan(0);
    expect(
      runs.map(({ rows }) =>
        rows.map((r) => `${r.operation} ${r.entity} ${r.external_id} ${r.fields?.item} ${r.as_of}`),
      ),
    ).toEqual([
      [
        'upsert item prod_RkQ8mZtY3nB2cD undefined 2026-12-11T11:55:00.000Z',
        'upsert variant price_1QzB2cLkdIwHu7ixMugEur prod_RkQ8mZtY3nB2cD 2026-12-11T11:56:41.000Z',
      ],
      [
        'upsert item prod_RkQ8mZtY3nB2cD undefined 2026-12-11T11:55:00.000Z',
        'upsert variant price_1QzE7fLkdIwHu7ixMugRefill prod_RkQ8mZtY3nB2cD 2026-12-11T17:26:40.000Z',
      ],
      [
        'upsert item prod_RkQ8mZtY3nB2cD undefined 2026-12-11T11:55:00.000Z',
        'upsert variant price_1QzF1gLkdIwHu7ixMugJpy prod_RkQ8mZtY3nB2cD 2026-12-11T20:13:20.000Z',
      ],
      [
        'upsert item prod_RkQ8mZtY3nB2cD undefined 2026-12-11T11:55:00.000Z',
        'upsert variant price_1QzF2gLkdIwHu7ixMugKwd prod_RkQ8mZtY3nB2cD 2026-12-11T20:15:00.000Z',
      ],
      [
        'upsert item prod_RkQ8mZtY3nB2cD undefined 2026-12-11T11:55:00.000Z',
        'upsert variant price_1QzF3gLkdIwHu7ixMugDec prod_RkQ8mZtY3nB2cD 2026-12-11T20:16:40.000Z',
      ],
      // Tiered: no one price per unit, and no call.
      [],
      // The product has no URL, so it has no item for a variant to belong to.
      [],
      ['delete variant price_1QzE7fLkdIwHu7ixMugRefill undefined 2026-12-12T01:46:40.000Z'],
      ['delete variant price_1QzE7fLkdIwHu7ixMugRefill undefined 2026-12-12T03:10:00.000Z'],
    ]);
    // Only the prices written read their product.
    expect(runs.map(({ urls }) => urls.length)).toEqual([1, 1, 1, 1, 1, 0, 1, 0, 0]);
    expect(runs[0]?.urls[0]).toBe('https://api.stripe.com/v1/products/prod_RkQ8mZtY3nB2cD');
  });

  it('a price in the major unit, read exactly from minor units: cents, zero-decimal, three-decimal, sub-cent', async () => {
    const [eur, usd, jpy, kwd, decimal] = await Promise.all(
      priceCases.slice(0, 5).map((c) => presetCatalogRows('stripe', c)),
    );
    const priceOf = (rows: typeof eur) => {
      const variant = rows?.find((r) => r.entity === 'variant');
      return [variant?.fields?.price, variant?.fields?.custom_metadata?.currency];
    };
    expect([eur, usd, jpy, kwd, decimal].map(priceOf)).toEqual([
      [14.5, 'EUR'],
      [19.99, 'USD'],
      [2500, 'JPY'],
      [5.12, 'KWD'],
      // 0.35 cents: 0.0035, where dividing the number read would give 0.0034999999999999996.
      [0.0035, 'USD'],
    ]);
    // The product read for the price is written as its item (the same fields as a product event's).
    expect(usd?.[0]?.fields).toMatchObject({ title: 'Enamel Camp Mug (Forest)', published: true });
    expect(usd?.[1]?.fields).toMatchObject({
      title: 'Enamel Camp Mug (Forest) – Monthly refill',
      sku: 'price_1QzE7fLkdIwHu7ixMugRefill',
      url: 'https://shop.example.com/products/enamel-camp-mug',
      inventory_quantity: 0,
      inventory_policy: 0,
      custom_metadata: { type: 'recurring', interval: 'month', interval_count: 1 },
    });
    expect(eur?.[1]?.fields?.sku).toBe('ecm-1-forest-eur');
  });
});
