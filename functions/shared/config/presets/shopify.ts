// Shopify: order, checkout and customer webhooks (the `X-Shopify-Topic` header is `meta.topic`) as Klaviyo's
// e-commerce metrics, with the property names Klaviyo documents for custom integrations, and marketing consent
// (./shopify-consent.ts). Only refunds need the Admin API: a refund names its order but not the customer, so the
// order is fetched (set the connection's auth). Products and collections become Klaviyo's catalog
// (./shopify-catalog.ts).
import type { Preset } from './preset.ts';
import { SHOPIFY_CATALOG_TOPICS, shopifyCatalog, shopifyCatalogEmit } from './shopify-catalog.ts';
import { SHOPIFY_CONSENT_TOPICS, shopifySubscriptions, shopifyUnsubscriptions } from './shopify-consent.ts';

/** The topics this preset maps; any other (a subscription it does not know) is skipped, not dead-lettered. */
export const SHOPIFY_TOPICS = [
  'orders/create',
  'orders/fulfilled',
  'orders/cancelled',
  'refunds/create',
  'checkouts/create',
  'customers/create',
  'customers/update',
  ...SHOPIFY_CONSENT_TOPICS,
  ...SHOPIFY_CATALOG_TOPICS,
] as const;

/** Klaviyo's `Items` (templates loop over it), built from an order's or a checkout's line items. */
const ITEMS =
  "[event.line_items.{ 'ProductID': product_id, 'VariantID': variant_id, 'SKU': sku, 'ProductName': title, " +
  "'VariantName': variant_title, 'Brand': vendor, 'Quantity': quantity, 'ItemPrice': $number(price), " +
  "'RowTotal': $number(price) * quantity }]";

/** What Placed, Fulfilled and Cancelled Order share: the order's id, what was in it, what it cost. */
const orderProperties = {
  OrderId: 'event.id',
  OrderNumber: 'event.name',
  ItemNames: { expr: '[event.line_items.title]' },
  Brands: { expr: '[$distinct(event.line_items.vendor)]' },
  DiscountCodes: { expr: '[event.discount_codes.code]' },
  DiscountValue: { expr: '$number(event.total_discounts)' },
  ItemCount: { expr: '$sum(event.line_items.quantity)' },
};

export const shopifyPreset: Preset = {
  kind: 'shopify',
  hydration: {
    connections: {
      admin: {
        // The shop the webhook came from; Shopify names it in X-Shopify-Shop-Domain.
        base_url: 'https://{params.shop}.myshopify.com/admin/api/2025-07',
        params: { shop: { expr: "$substringBefore(meta.shop_domain, '.myshopify.com')" } },
      },
    },
    steps: [
      {
        name: 'order',
        connection: 'admin',
        path: '/orders/{event.order_id}.json',
        when: { expr: "meta.topic = 'refunds/create'" },
        pick: 'order',
      },
    ],
  },
  mapping: {
    // A test order is not a sale.
    filter: { expr: `meta.topic in ${JSON.stringify(SHOPIFY_TOPICS)} and $not(event.test = true)` },
    profile: {
      // The email consent topic names the customer's address `email_address`.
      email: ['event.email', 'event.customer.email', 'order.email', 'event.email_address'],
      phone_number: ['event.phone', 'event.customer.phone'],
      external_id: [],
      // A customer's profile is as new as the customer record (customers/create, customers/update).
      as_of: 'event.updated_at',
    },
    // Customer topics update the profile; catalog topics write catalog rows alone; every other topic is the
    // events below.
    emit: 'event',
    emit_by_event_type: {
      'customers/create': 'profile',
      'customers/update': 'profile',
      ...shopifyCatalogEmit,
    },
    profile_attributes: {
      first_name: 'event.first_name',
      last_name: 'event.last_name',
      'location.address1': 'event.default_address.address1',
      'location.address2': 'event.default_address.address2',
      'location.city': 'event.default_address.city',
      'location.region': 'event.default_address.province',
      'location.country': 'event.default_address.country',
      'location.zip': 'event.default_address.zip',
      'properties.shopify_customer_id': { expr: '$string(event.id)' },
    },
    subscriptions: shopifySubscriptions,
    unsubscriptions: shopifyUnsubscriptions,
    catalog: shopifyCatalog,
    value_currency: 'event.currency',
    events: [
      {
        id: 'placed_order',
        metric: 'Placed Order',
        event_types: ['orders/create'],
        time: 'event.created_at',
        value: { expr: '$number(event.total_price)' },
        include: [],
        properties: orderProperties,
        keep: { Items: { expr: ITEMS } },
      },
      {
        id: 'ordered_product',
        metric: 'Ordered Product',
        event_types: ['orders/create'],
        filter: { expr: 'item.quantity > 0' },
        for_each: 'event.line_items',
        // The line item's id: the same item of the same order is the same event however often it arrives.
        key: 'item.id',
        time: 'event.created_at',
        value: { expr: '$number(item.price) * item.quantity' },
        include: [],
        properties: {
          OrderId: 'event.id',
          ProductID: 'item.product_id',
          VariantID: 'item.variant_id',
          SKU: 'item.sku',
          ProductName: 'item.title',
          VariantName: 'item.variant_title',
          ProductBrand: 'item.vendor',
          Quantity: 'item.quantity',
          ItemPrice: { expr: '$number(item.price)' },
          RowTotal: { expr: '$number(item.price) * item.quantity' },
        },
      },
      {
        id: 'fulfilled_order',
        metric: 'Fulfilled Order',
        event_types: ['orders/fulfilled'],
        time: {
          expr: '$exists(event.fulfillments[-1].created_at) ? event.fulfillments[-1].created_at : event.updated_at',
        },
        value: { expr: '$number(event.total_price)' },
        include: [],
        properties: orderProperties,
        keep: { Items: { expr: ITEMS } },
      },
      {
        id: 'cancelled_order',
        metric: 'Cancelled Order',
        event_types: ['orders/cancelled'],
        time: 'event.cancelled_at',
        value: { expr: '$number(event.total_price)' },
        include: [],
        properties: { ...orderProperties, Reason: 'event.cancel_reason' },
        keep: { Items: { expr: ITEMS } },
      },
      {
        id: 'refunded_order',
        metric: 'Refunded Order',
        event_types: ['refunds/create'],
        time: 'event.created_at',
        // What was paid back: the refund's successful refund transactions.
        value: {
          expr: "$sum(event.transactions[kind = 'refund' and status = 'success'].$number(amount))",
        },
        value_currency: 'order.currency',
        include: [],
        properties: {
          OrderId: 'event.order_id',
          OrderNumber: 'order.name',
          RefundId: 'event.id',
          Note: 'event.note',
          ItemNames: { expr: '[event.refund_line_items.line_item.title]' },
        },
        keep: {
          Items: {
            expr:
              "[event.refund_line_items.{ 'ProductID': line_item.product_id, 'SKU': line_item.sku, " +
              "'ProductName': line_item.title, 'Quantity': quantity, 'ItemPrice': $number(line_item.price), " +
              "'RowTotal': $number(subtotal) }]",
          },
        },
      },
      {
        id: 'started_checkout',
        metric: 'Started Checkout',
        event_types: ['checkouts/create'],
        time: 'event.created_at',
        value: { expr: '$number(event.total_price)' },
        include: [],
        properties: {
          CheckoutId: 'event.token',
          CheckoutURL: 'event.abandoned_checkout_url',
          ItemNames: { expr: '[event.line_items.title]' },
          Brands: { expr: '[$distinct(event.line_items.vendor)]' },
          DiscountCodes: { expr: '[event.discount_codes.code]' },
        },
        keep: { Items: { expr: ITEMS } },
      },
    ],
  },
};
