// Stripe's product events as catalog rows: `product.created` and `product.updated` carry the whole Product, an
// item versioned by its `updated`; `product.deleted` deletes it, versioned by the event's `created`. Klaviyo
// needs a URL to create an item and a Stripe product has one only where the shop set `url`, so products without
// one are left out (an override can build a URL, e.g. from metadata). Prices are not written: a `price.*` event
// names its product by id only and Stripe products have no stock, so neither the item's price (which of its prices?)
// nor a variant per price (title, URL and stock from elsewhere) comes from the event alone (docs/presets/stripe.md).
import type { Preset } from './preset.ts';

export const STRIPE_PRODUCT_TYPES = ['product.created', 'product.updated', 'product.deleted'] as const;

const PRODUCT = 'event.data.object';

export const stripeCatalog: NonNullable<Preset['mapping']['catalog']> = [
  {
    id: 'product',
    event_types: ['product.created', 'product.updated'],
    when: { expr: `$boolean(${PRODUCT}.url)` },
    entity: 'item',
    external_id: `${PRODUCT}.id`,
    as_of: `${PRODUCT}.updated`,
    fields: {
      title: `${PRODUCT}.name`,
      // Stripe's description is null when unset; Klaviyo's is text.
      description: { expr: `${PRODUCT}.description ? ${PRODUCT}.description : ''` },
      url: `${PRODUCT}.url`,
      image_full_url: { expr: `${PRODUCT}.images[0]` },
      images: { expr: `[${PRODUCT}.images]` },
      published: `${PRODUCT}.active`,
      custom_metadata: {
        expr: `{ 'default_price': ${PRODUCT}.default_price, 'sku': ${PRODUCT}.metadata.sku }`,
      },
    },
  },
  {
    id: 'product_deleted',
    event_types: ['product.deleted'],
    entity: 'item',
    operation: 'delete',
    external_id: `${PRODUCT}.id`,
    as_of: 'event.created',
  },
];
