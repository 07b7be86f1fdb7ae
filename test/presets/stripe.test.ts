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
import { expectCreateJobsValid, presetCatalogRows } from '../helpers/preset-catalog-rows.ts';

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

describe('stripe preset', () => {
  it.each([...cases, ...productCases])('$fixture → the expected Klaviyo requests', async (c) => {
    const result = await mapPresetCase('stripe', c);
    expect(result.failure).toBeUndefined();
    expect(result.skipped).toEqual([]);
    expect(result.requests).toEqual(await expectedRequests('stripe', c, result.requests));
    expectContractValid(result.requests);
  });

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
});
