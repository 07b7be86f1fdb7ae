// Stripe's product and price events as catalog rows. `product.created` and `product.updated` carry the whole
// Product: an item, versioned by its `updated`; `product.deleted` deletes it, versioned by the event's `created`.
// Klaviyo needs a URL to create an item and a Stripe product has one only where the shop set `url`, so products
// without one are left out (an override can build a URL, e.g. from metadata). A price is a variant of its product's
// item, with its amount (minor units, converted exactly: ./stripe-amounts.ts) and currency: the event names the
// product by id only, so the product is read (`/v1/products/{id}`) for the title, URL and images a variant needs,
// and written as its item too (a variant needs its item, and product.created comes at the same time).
// Prices have no `updated`, so price rows are versioned by the event's `created`; a deleted or archived (inactive)
// price deletes its variant. Stripe keeps no stock: a variant's stock is 0, never hidden for it (policy 0).
import { exactMajor } from './stripe-amounts.ts';
import type { Preset } from './preset.ts';

export const STRIPE_PRODUCT_TYPES = ['product.created', 'product.updated', 'product.deleted'] as const;
export const STRIPE_PRICE_TYPES = ['price.created', 'price.updated', 'price.deleted'] as const;
export const STRIPE_CATALOG_TYPES = [...STRIPE_PRODUCT_TYPES, ...STRIPE_PRICE_TYPES] as const;

const PRODUCT = 'event.data.object';
const PRICE = 'event.data.object';

/** A price with one amount per unit: tiered and customer-chosen prices have none, so no variant price. */
const UNIT_AMOUNT = `(${PRICE}.unit_amount_decimal != null ? ${PRICE}.unit_amount_decimal : ${PRICE}.unit_amount)`;
const PRICE_WRITTEN =
  `event.type in ['price.created', 'price.updated'] and ${PRICE}.active = true and ` +
  `$type(${PRICE}.product) = 'string' and ${UNIT_AMOUNT} != null`;

/** An item's fields from a Product (the event's, or the one a price event reads). */
const itemFields = (product: string) => ({
  title: `${product}.name`,
  // Stripe's description is null when unset; Klaviyo's is text.
  description: { expr: `${product}.description ? ${product}.description : ''` },
  url: `${product}.url`,
  image_full_url: { expr: `${product}.images[0]` },
  images: { expr: `[${product}.images]` },
  published: `${product}.active`,
  custom_metadata: {
    expr: `{ 'default_price': ${product}.default_price, 'sku': ${product}.metadata.sku }`,
  },
});

export const stripeCatalogSteps: NonNullable<NonNullable<Preset['hydration']>['steps']> = [
  // The price's product, for the variant's title, URL and images (not cached: a renamed product is read anew).
  { name: 'product', path: `/v1/products/{${PRICE}.product}`, when: { expr: PRICE_WRITTEN } },
];

export const stripeCatalog: NonNullable<Preset['mapping']['catalog']> = [
  {
    id: 'product',
    event_types: ['product.created', 'product.updated'],
    when: { expr: `$boolean(${PRODUCT}.url)` },
    entity: 'item',
    external_id: `${PRODUCT}.id`,
    as_of: `${PRODUCT}.updated`,
    fields: itemFields(PRODUCT),
  },
  {
    id: 'product_deleted',
    event_types: ['product.deleted'],
    entity: 'item',
    operation: 'delete',
    external_id: `${PRODUCT}.id`,
    as_of: 'event.created',
  },
  {
    // The product read for a price is written too, before its variant (deliver writes items first): Stripe sends
    // product.created and price.created at once, and Klaviyo creates a variant only under an item it has.
    id: 'price_product',
    event_types: ['price.created', 'price.updated'],
    when: { expr: `${PRICE_WRITTEN} and $boolean(product.url)` },
    entity: 'item',
    external_id: 'product.id',
    as_of: 'product.updated',
    fields: itemFields('product'),
  },
  {
    id: 'price',
    event_types: ['price.created', 'price.updated'],
    // The product's item exists only where the product has a URL (above): a variant needs its item.
    when: { expr: `${PRICE_WRITTEN} and $boolean(product.url)` },
    entity: 'variant',
    external_id: `${PRICE}.id`,
    as_of: 'event.created',
    fields: {
      item: 'product.id',
      // The product's name, and the price's nickname when it has one: "Camp Mug – Monthly".
      title: { expr: `product.name & (${PRICE}.nickname ? ' – ' & ${PRICE}.nickname : '')` },
      description: { expr: `product.description ? product.description : ''` },
      // Stripe has no SKU: the price's lookup key, where the shop keeps one, else its id.
      sku: { expr: `${PRICE}.lookup_key ? ${PRICE}.lookup_key : ${PRICE}.id` },
      price: { expr: exactMajor(UNIT_AMOUNT, `${PRICE}.currency`) },
      inventory_quantity: { expr: '0' },
      inventory_policy: { expr: '0' },
      url: 'product.url',
      image_full_url: { expr: 'product.images[0]' },
      images: { expr: '[product.images]' },
      published: 'product.active',
      // Klaviyo's catalog has no currency field. Stripe's nulls are left out (Klaviyo's metadata takes none).
      custom_metadata: {
        expr:
          `{ 'currency': $uppercase(${PRICE}.currency), 'type': ${PRICE}.type, ` +
          `'interval': ${PRICE}.recurring.interval, 'interval_count': ${PRICE}.recurring.interval_count, ` +
          `'nickname': ${PRICE}.nickname ? ${PRICE}.nickname }`,
      },
    },
  },
  {
    // A deleted price, or one archived (`active: false`, which is how Stripe retires most prices).
    id: 'price_deleted',
    event_types: ['price.updated', 'price.deleted'],
    when: { expr: `event.type = 'price.deleted' or ${PRICE}.active = false` },
    entity: 'variant',
    operation: 'delete',
    external_id: `${PRICE}.id`,
    as_of: 'event.created',
  },
];
