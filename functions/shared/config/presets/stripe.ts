// Stripe: events by `type` (the event's own `created` is the time). A Checkout Session carries totals but not its
// line items, so they are fetched (`/v1/checkout/sessions/{id}/line_items`, cursor-paginated with `has_more` and
// `starting_after`, products expanded for names and images). Subscriptions name their customer only by id, so the
// customer is fetched for the email. Amounts arrive in minor units and become `value` in the currency's major unit
// (./stripe-amounts.ts). Product and price events write the catalog (./stripe-catalog.ts).
import type { Preset } from './preset.ts';
import { major } from './stripe-amounts.ts';
import { STRIPE_CATALOG_TYPES, stripeCatalog, stripeCatalogSteps } from './stripe-catalog.ts';
import { subscriptionRecord } from './stripe-records.ts';

export const STRIPE_TYPES = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'invoice.paid',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'charge.refunded',
  ...STRIPE_CATALOG_TYPES,
] as const;
const CHECKOUT_PAID = ['checkout.session.completed', 'checkout.session.async_payment_succeeded'];

const SESSION = 'event.data.object';
/** Klaviyo's `Items` from the session's line items (prices and product expanded). */
const ITEMS =
  `[line_items.{ 'ProductID': price.product.id, 'SKU': price.product.metadata.sku, 'ProductName': description, ` +
  `'Quantity': quantity, 'ItemPrice': ${major('price.unit_amount', 'currency')}, ` +
  `'RowTotal': ${major('amount_total', 'currency')}, 'ProductURL': price.product.url, ` +
  `'ImageURL': price.product.images[0] }]`;

const subscriptionEvent = (id: string, metric: string, type: string) => ({
  id,
  metric,
  event_types: [type],
  value: {
    expr: `$sum(${SESSION}.items.data.(${major('price.unit_amount * quantity', 'price.currency')}))`,
  },
  value_currency: {
    expr: `$uppercase(${SESSION}.currency ? ${SESSION}.currency : ${SESSION}.items.data[0].price.currency)`,
  },
  include: [],
  properties: {
    SubscriptionId: `${SESSION}.id`,
    Status: `${SESSION}.status`,
    ProductIDs: { expr: `[${SESSION}.items.data.price.product]` },
    PriceIDs: { expr: `[${SESSION}.items.data.price.id]` },
    Interval: { expr: `${SESSION}.items.data[0].price.recurring.interval` },
    CancelAtPeriodEnd: `${SESSION}.cancel_at_period_end`,
  },
});

export const stripePreset: Preset = {
  kind: 'stripe',
  requires: [
    {
      path: ['hydration', 'connections', 'stripe', 'auth'],
      what: 'a Stripe API key (a restricted key with read access to Checkout Sessions, Customers and Products is enough)',
      example: { kind: 'bearer', secret: { env: 'STRIPE_API_KEY' } },
    },
  ],
  hydration: {
    connections: { stripe: { base_url: 'https://api.stripe.com' } },
    steps: [
      {
        name: 'line_items',
        path: `/v1/checkout/sessions/{${SESSION}.id}/line_items?limit=100&expand[]=data.price.product`,
        when: { expr: `event.type in ${JSON.stringify(CHECKOUT_PAID)}` },
        paginate: {
          items: 'data',
          next: 'cursor',
          has_more_path: 'has_more',
          cursor_param: 'starting_after',
          cursor_path: 'id',
          max_pages: 10,
        },
      },
      {
        // A subscription (or a charge without an email) names its customer by id only.
        name: 'customer',
        path: `/v1/customers/{${SESSION}.customer}`,
        when: {
          expr:
            `$type(${SESSION}.customer) = 'string' and ($substringBefore(event.type, '.subscription.') = 'customer' ` +
            `or (event.type = 'charge.refunded' and $not(${SESSION}.billing_details.email or ${SESSION}.receipt_email)))`,
        },
        cache_ttl_seconds: 60,
      },
      ...stripeCatalogSteps,
    ],
  },
  mapping: {
    filter: { expr: `event.type in ${JSON.stringify(STRIPE_TYPES)}` },
    profile: {
      email: [
        `${SESSION}.customer_details.email`,
        `${SESSION}.customer_email`,
        `${SESSION}.billing_details.email`,
        `${SESSION}.receipt_email`,
        'customer.email',
      ],
      // Stripe keeps phone numbers as entered; Klaviyo refuses one that is not E.164.
      phone_number: [],
      external_id: [],
    },
    time: 'event.created',
    // Product and price events write the catalog alone.
    emit_by_event_type: Object.fromEntries(STRIPE_CATALOG_TYPES.map((type) => [type, 'none' as const])),
    value_currency: { expr: `$uppercase(${SESSION}.currency)` },
    // Checkout's promotional consent (`consent_collection.promotions: auto`): `opt_in` subscribes the email, as
    // a historical import at the event's time. `opt_out` writes nothing: leaving a box unticked at one checkout
    // withdraws no consent given elsewhere.
    subscriptions: [
      {
        id: 'promotions',
        channel: 'email',
        event_types: ['checkout.session.completed'],
        when: { expr: `${SESSION}.consent.promotions = 'opt_in'` },
        consented_at: 'event.created',
        as_of: 'event.created',
      },
    ],
    events: [
      {
        id: 'placed_order',
        metric: 'Placed Order',
        event_types: CHECKOUT_PAID,
        // An asynchronous payment (a bank debit) is placed when it succeeds, not when the session completes unpaid.
        filter: { expr: `${SESSION}.payment_status != 'unpaid'` },
        value: { expr: major(`${SESSION}.amount_total`, `${SESSION}.currency`) },
        include: [],
        properties: {
          // The payment intent: what a later charge.refunded names, so the refund ties to this order.
          OrderId: { expr: `${SESSION}.payment_intent ? ${SESSION}.payment_intent : ${SESSION}.id` },
          CheckoutSessionId: `${SESSION}.id`,
          ItemNames: { expr: '[line_items.description]' },
          DiscountValue: { expr: major(`${SESSION}.total_details.amount_discount`, `${SESSION}.currency`) },
          DiscountCodes: { expr: `[${SESSION}.discounts.promotion_code]` },
          ItemCount: { expr: '$sum(line_items.quantity)' },
          Mode: `${SESSION}.mode`,
        },
        keep: { Items: { expr: ITEMS } },
      },
      {
        id: 'ordered_product',
        metric: 'Ordered Product',
        event_types: CHECKOUT_PAID,
        filter: { expr: `${SESSION}.payment_status != 'unpaid'` },
        for_each: 'line_items',
        // The line item's id (`li_…`).
        key: 'item.id',
        value: { expr: major('item.amount_total', 'item.currency') },
        include: [],
        properties: {
          OrderId: { expr: `${SESSION}.payment_intent ? ${SESSION}.payment_intent : ${SESSION}.id` },
          ProductID: 'item.price.product.id',
          // Stripe has no SKU: a product's metadata.sku, where the shop keeps one.
          SKU: 'item.price.product.metadata.sku',
          ProductName: 'item.description',
          Quantity: 'item.quantity',
          ItemPrice: { expr: major('item.price.unit_amount', 'item.currency') },
          RowTotal: { expr: major('item.amount_total', 'item.currency') },
          ProductURL: 'item.price.product.url',
          ImageURL: { expr: 'item.price.product.images[0]' },
        },
      },
      {
        id: 'paid_invoice',
        metric: 'Paid Invoice',
        event_types: ['invoice.paid'],
        value: { expr: major(`${SESSION}.amount_paid`, `${SESSION}.currency`) },
        include: [],
        properties: {
          InvoiceId: `${SESSION}.id`,
          InvoiceNumber: `${SESSION}.number`,
          SubscriptionId: {
            expr: `${SESSION}.parent.subscription_details.subscription ? ${SESSION}.parent.subscription_details.subscription : ${SESSION}.subscription`,
          },
          BillingReason: `${SESSION}.billing_reason`,
          ItemNames: { expr: `[${SESSION}.lines.data.description]` },
          InvoiceURL: `${SESSION}.hosted_invoice_url`,
        },
      },
      subscriptionEvent('started_subscription', 'Started Subscription', 'customer.subscription.created'),
      {
        ...subscriptionEvent('changed_subscription', 'Changed Subscription', 'customer.subscription.updated'),
        // What changed, as Stripe lists it: the names of the previous attributes.
        extra: { ChangedFields: { expr: '[$keys(event.data.previous_attributes)]' } },
      },
      subscriptionEvent('cancelled_subscription', 'Cancelled Subscription', 'customer.subscription.deleted'),
      {
        id: 'refunded_order',
        metric: 'Refunded Order',
        event_types: ['charge.refunded'],
        value: { expr: major(`${SESSION}.amount_refunded`, `${SESSION}.currency`) },
        include: [],
        properties: {
          // The payment intent, as the Placed Order's OrderId.
          OrderId: { expr: `${SESSION}.payment_intent ? ${SESSION}.payment_intent : ${SESSION}.id` },
          ChargeId: `${SESSION}.id`,
          FullyRefunded: `${SESSION}.refunded`,
          Reason: { expr: `${SESSION}.refunds.data[0].reason` },
        },
      },
    ],
    catalog: stripeCatalog,
  },
  // Opt-in: subscriptions as custom-object records (./stripe-records.ts).
  optionalRecords: [subscriptionRecord(major)],
};
