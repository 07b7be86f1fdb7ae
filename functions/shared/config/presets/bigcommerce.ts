// BigCommerce: webhooks are thin (`scope`, `data: { type, id }`), so the order, its products, shipping addresses
// and coupons and the customer are fetched from the store's API (`X-Auth-Token`; the store hash is in the
// webhook's `producer`, `stores/<hash>`). An order still Incomplete (status 0: checkout not finished) is skipped;
// it becomes a Placed Order when its status leaves 0. Guest orders (customer_id 0) are not looked up. Product
// and category scopes write the catalog (./bigcommerce-catalog.ts).
import type { Preset } from './preset.ts';
import {
  BIGCOMMERCE_CATALOG_SCOPES,
  bigcommerceCatalog,
  bigcommerceCatalogSteps,
} from './bigcommerce-catalog.ts';

/** BigCommerce's order status ids (`status_id`) this preset names. */
const STATUS = { incomplete: 0, shipped: 2, refunded: 4, cancelled: 5, completed: 10, partiallyRefunded: 14 };

export const BIGCOMMERCE_SCOPES = [
  'store/order/created',
  'store/order/statusUpdated',
  'store/customer/created',
  ...BIGCOMMERCE_CATALOG_SCOPES,
] as const;
const ORDER_SCOPES = ['store/order/created', 'store/order/statusUpdated'];

/** The order's details are wanted only for an order webhook whose order is past checkout. */
const ORDER_PLACED = `$exists(order) and order.status_id != ${STATUS.incomplete}`;
const newStatusIn = (ids: number[]) => `event.data.status.new_status_id in ${JSON.stringify(ids)}`;

const ITEMS =
  "[products.{ 'ProductID': product_id, 'VariantID': variant_id, 'SKU': sku, 'ProductName': name, " +
  "'Quantity': quantity, 'ItemPrice': $number(price_inc_tax), 'RowTotal': $number(total_inc_tax) }]";

const orderProperties = {
  OrderId: 'order.id',
  ItemNames: { expr: '[products.name]' },
  DiscountCodes: { expr: '[coupons.code]' },
  DiscountValue: { expr: '$number(order.discount_amount) + $number(order.coupon_discount)' },
  ItemCount: { expr: '$sum(products.quantity)' },
  PaymentMethod: 'order.payment_method',
  ShippingCity: { expr: 'shipping_addresses[0].city' },
  ShippingCountry: { expr: 'shipping_addresses[0].country_iso2' },
};

export const bigcommercePreset: Preset = {
  kind: 'bigcommerce',
  requires: [
    {
      path: ['hydration', 'connections', 'store', 'auth'],
      what: 'the store API token (an API account with read-only Orders, Customers and Products scopes) as X-Auth-Token',
      example: { header: 'x-auth-token', secret: { env: 'BIGCOMMERCE_API_TOKEN' } },
    },
  ],
  hydration: {
    connections: {
      store: {
        base_url: 'https://api.bigcommerce.com/stores/{params.store_hash}',
        params: { store_hash: { expr: "$substringAfter(meta.producer, 'stores/')" } },
      },
    },
    steps: [
      {
        name: 'order',
        path: '/v2/orders/{event.data.id}',
        when: { expr: `meta.scope in ${JSON.stringify(ORDER_SCOPES)}` },
      },
      { name: 'products', path: '/v2/orders/{event.data.id}/products', when: { expr: ORDER_PLACED } },
      {
        name: 'shipping_addresses',
        path: '/v2/orders/{event.data.id}/shipping_addresses',
        when: { expr: ORDER_PLACED },
      },
      // 204 (no coupons) leaves `coupons` null.
      { name: 'coupons', path: '/v2/orders/{event.data.id}/coupons', when: { expr: ORDER_PLACED } },
      {
        name: 'customer',
        path: '/v3/customers?id:in={params.customer_id}',
        params: {
          customer_id: { expr: "meta.scope = 'store/customer/created' ? event.data.id : order.customer_id" },
        },
        // A guest order has customer_id 0: nobody to look up; the billing address has the email.
        when: {
          expr: `(meta.scope = 'store/customer/created' and event.data.id > 0) or (${ORDER_PLACED} and order.customer_id > 0)`,
        },
        pick: { expr: 'data[0]' },
        cache_ttl_seconds: 60,
      },
      ...bigcommerceCatalogSteps,
    ],
  },
  mapping: {
    filter: {
      expr: `meta.scope in ${JSON.stringify(BIGCOMMERCE_SCOPES)} and $not(order.status_id = ${STATUS.incomplete})`,
    },
    profile: {
      email: ['customer.email', 'order.billing_address.email'],
      // BigCommerce keeps phone numbers as typed, and Klaviyo refuses one that is not E.164: add it only if yours are.
      phone_number: [],
      external_id: [],
      as_of: 'customer.date_modified',
    },
    emit: 'event',
    emit_by_event_type: {
      'store/customer/created': 'profile',
      // Product and category scopes write the catalog alone.
      ...Object.fromEntries(BIGCOMMERCE_CATALOG_SCOPES.map((scope) => [scope, 'none' as const])),
    },
    // A new customer who accepts product review and abandoned cart emails (marketing email, for Klaviyo's flows)
    // is subscribed, as a historical import at the account's creation. Not accepting writes nothing.
    subscriptions: [
      {
        id: 'email',
        channel: 'email',
        event_types: ['store/customer/created'],
        when: 'customer.accepts_product_review_abandoned_cart_emails',
        consented_at: 'customer.date_created',
        as_of: 'customer.date_modified',
      },
    ],
    profile_attributes: {
      first_name: 'customer.first_name',
      last_name: 'customer.last_name',
      organization: 'customer.company',
      'properties.bigcommerce_customer_id': { expr: '$string(customer.id)' },
    },
    // The webhook's own time (Unix seconds): when the order was placed or its status changed.
    time: 'event.created_at',
    value_currency: 'order.currency_code',
    events: [
      {
        id: 'placed_order',
        metric: 'Placed Order',
        event_types: ORDER_SCOPES,
        // Created past checkout, or leaving Incomplete now.
        filter: {
          expr: `meta.scope = 'store/order/created' or event.data.status.previous_status_id = ${STATUS.incomplete}`,
        },
        value: { expr: '$number(order.total_inc_tax)' },
        include: [],
        properties: orderProperties,
        keep: { Items: { expr: ITEMS } },
      },
      {
        id: 'ordered_product',
        metric: 'Ordered Product',
        event_types: ORDER_SCOPES,
        filter: { expr: 'item.quantity > 0' },
        // Only with the Placed Order (an empty list otherwise, so other status changes log no skips per product).
        for_each: {
          expr: `(meta.scope = 'store/order/created' or event.data.status.previous_status_id = ${STATUS.incomplete}) ? products : []`,
        },
        // The order product's id: one event per line of the order, however often the webhook arrives.
        key: 'item.id',
        value: { expr: '$number(item.total_inc_tax)' },
        include: [],
        properties: {
          OrderId: 'order.id',
          ProductID: 'item.product_id',
          VariantID: 'item.variant_id',
          SKU: 'item.sku',
          ProductName: 'item.name',
          Quantity: 'item.quantity',
          ItemPrice: { expr: '$number(item.price_inc_tax)' },
          RowTotal: { expr: '$number(item.total_inc_tax)' },
        },
      },
      {
        id: 'fulfilled_order',
        metric: 'Fulfilled Order',
        event_types: ['store/order/statusUpdated'],
        // Shipped or Completed, once: Shipped then Completed is one fulfilment.
        filter: {
          expr: `${newStatusIn([STATUS.shipped, STATUS.completed])} and $not(event.data.status.previous_status_id in ${JSON.stringify([STATUS.shipped, STATUS.completed])})`,
        },
        value: { expr: '$number(order.total_inc_tax)' },
        include: [],
        properties: orderProperties,
        keep: { Items: { expr: ITEMS } },
      },
      {
        id: 'cancelled_order',
        metric: 'Cancelled Order',
        event_types: ['store/order/statusUpdated'],
        filter: { expr: newStatusIn([STATUS.cancelled]) },
        value: { expr: '$number(order.total_inc_tax)' },
        include: [],
        properties: orderProperties,
        keep: { Items: { expr: ITEMS } },
      },
      {
        id: 'refunded_order',
        metric: 'Refunded Order',
        event_types: ['store/order/statusUpdated'],
        filter: { expr: newStatusIn([STATUS.refunded, STATUS.partiallyRefunded]) },
        value: { expr: '$number(order.refunded_amount)' },
        include: [],
        properties: { ...orderProperties, OrderStatus: 'order.status' },
        keep: { Items: { expr: ITEMS } },
      },
    ],
    catalog: bigcommerceCatalog,
  },
};
