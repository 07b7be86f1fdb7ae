// WooCommerce: order, customer and product webhooks (the `X-WC-Webhook-Topic` header is `meta.topic`), whose payload is
// the REST API's order or customer. An update does not say what changed, so the order's status decides the event:
// completed → Fulfilled, cancelled → Cancelled, refunded → Refunded. Times are the `_gmt` fields, which carry no zone.
// Product topics write the catalog (./woocommerce-catalog.ts).
import type { Preset } from './preset.ts';
import { WOOCOMMERCE_PRODUCT_TOPICS, woocommerceCatalog } from './woocommerce-catalog.ts';

export const WOOCOMMERCE_TOPICS = [
  'order.created',
  'order.updated',
  'customer.created',
  ...WOOCOMMERCE_PRODUCT_TOPICS,
] as const;

/** Statuses of an order that was placed: paid, or on hold awaiting a manual payment. */
const PLACED_STATUSES = ['processing', 'on-hold', 'completed'];

const gmt = (field: string) => ({ expr: `${field} ? ${field} & 'Z'` });

/** The field when it holds something: WooCommerce sends "" for an empty field, which would clear it at Klaviyo. */
const present = (field: string) => ({ expr: `${field} ? ${field}` });

const ITEMS =
  "[event.line_items.{ 'ProductID': product_id, 'VariantID': variation_id, 'SKU': sku, 'ProductName': name, " +
  "'Quantity': quantity, 'ItemPrice': $number(price), 'RowTotal': $number(total), 'ImageURL': image.src }]";

const orderProperties = {
  OrderId: 'event.id',
  OrderNumber: 'event.number',
  ItemNames: { expr: '[event.line_items.name]' },
  DiscountCodes: { expr: '[event.coupon_lines.code]' },
  DiscountValue: { expr: '$number(event.discount_total)' },
  ItemCount: { expr: '$sum(event.line_items.quantity)' },
  PaymentMethod: 'event.payment_method_title',
};

const statusEvent = (id: string, metric: string, status: string, extra: Record<string, unknown> = {}) => ({
  id,
  metric,
  event_types: ['order.updated'],
  filter: { expr: `event.status = '${status}'` },
  time: gmt('event.date_modified_gmt'),
  value: { expr: '$number(event.total)' },
  include: [],
  properties: orderProperties,
  keep: { Items: { expr: ITEMS } },
  ...extra,
});

export const woocommercePreset: Preset = {
  kind: 'woocommerce',
  mapping: {
    filter: { expr: `meta.topic in ${JSON.stringify(WOOCOMMERCE_TOPICS)}` },
    profile: {
      email: ['event.billing.email', 'event.email'],
      // WooCommerce keeps phone numbers as typed; Klaviyo refuses one that is not E.164.
      phone_number: [],
      external_id: [],
    },
    emit: 'event',
    emit_by_event_type: {
      'customer.created': 'profile',
      // Product topics write the catalog alone.
      ...Object.fromEntries(WOOCOMMERCE_PRODUCT_TOPICS.map((topic) => [topic, 'none' as const])),
    },
    profile_attributes: {
      first_name: 'event.first_name',
      last_name: 'event.last_name',
      organization: present('event.billing.company'),
      'location.address1': present('event.billing.address_1'),
      'location.address2': present('event.billing.address_2'),
      'location.city': present('event.billing.city'),
      'location.region': present('event.billing.state'),
      'location.country': present('event.billing.country'),
      'location.zip': present('event.billing.postcode'),
      'properties.woocommerce_customer_id': { expr: '$string(event.id)' },
    },
    value_currency: 'event.currency',
    events: [
      {
        id: 'placed_order',
        metric: 'Placed Order',
        event_types: ['order.created'],
        // Not a draft or an order still waiting for an off-site payment.
        filter: { expr: `event.status in ${JSON.stringify(PLACED_STATUSES)}` },
        time: gmt('event.date_created_gmt'),
        value: { expr: '$number(event.total)' },
        include: [],
        properties: orderProperties,
        keep: { Items: { expr: ITEMS } },
      },
      {
        id: 'ordered_product',
        metric: 'Ordered Product',
        event_types: ['order.created'],
        filter: { expr: `event.status in ${JSON.stringify(PLACED_STATUSES)} and item.quantity > 0` },
        for_each: 'event.line_items',
        // The line item's id: the same line of the same order is the same event.
        key: 'item.id',
        time: gmt('event.date_created_gmt'),
        value: { expr: '$number(item.total)' },
        include: [],
        properties: {
          OrderId: 'event.id',
          ProductID: 'item.product_id',
          VariantID: 'item.variation_id',
          SKU: 'item.sku',
          ProductName: 'item.name',
          Quantity: 'item.quantity',
          ItemPrice: { expr: '$number(item.price)' },
          RowTotal: { expr: '$number(item.total)' },
          ImageURL: 'item.image.src',
        },
      },
      statusEvent('fulfilled_order', 'Fulfilled Order', 'completed', {
        // The update that completed the order (date_completed is when), not a later edit of a completed order.
        filter: {
          expr:
            "event.status = 'completed' and $abs($toMillis(event.date_modified_gmt & 'Z') - " +
            "$toMillis(event.date_completed_gmt & 'Z')) <= 120000",
        },
        time: gmt('event.date_completed_gmt'),
      }),
      statusEvent('cancelled_order', 'Cancelled Order', 'cancelled'),
      statusEvent('refunded_order', 'Refunded Order', 'refunded', {
        // What was paid back: WooCommerce lists each refund's total as a negative amount.
        value: { expr: '$abs($sum(event.refunds.$number(total)))' },
      }),
    ],
    catalog: woocommerceCatalog,
  },
};
