// WooCommerce's product webhooks as catalog rows. The payload is the REST API's product resource; a variable
// product lists its variations by id only, and WooCommerce sends each variation saved on its own product webhook
// (its resource, `parent_id` naming the product). So: a product (`parent_id` 0) → an item; a simple product also
// → a variant of the same id (what a back-in-stock subscription names); a variation → a variant of its product.
// Every row is versioned by `date_modified_gmt`. `product.deleted` carries the id alone: it deletes the item and
// the variant of that id (a delete Klaviyo answers as not found counts as done). A product carries its categories
// (`{ id, name, slug }`): a category row each, written beside the item that names them (Klaviyo links an item only to
// categories it has), versioned by the product's `date_modified_gmt` like the rest; WooCommerce sends no webhook of
// its own for categories, so a renamed category is renamed at its next product's save, and a deleted one stays.
import type { Preset } from './preset.ts';

export const WOOCOMMERCE_PRODUCT_TOPICS = ['product.created', 'product.updated', 'product.deleted'] as const;

const UPSERTS = ['product.created', 'product.updated'];
const IS_PRODUCT = '$not(event.parent_id > 0)';
const AS_OF = { expr: "event.date_modified_gmt ? event.date_modified_gmt & 'Z'" };

/** WooCommerce sends "" for an unset price; Klaviyo takes a number or nothing. */
const PRICE = { expr: "event.price != '' ? $number(event.price)" };

/** Stock WooCommerce manages is its quantity; unmanaged stock has none, sent as 0 and never hidden for it. */
const STOCK = {
  expr: 'event.manage_stock = true and event.stock_quantity != null ? event.stock_quantity : 0',
};
const POLICY = { expr: 'event.manage_stock = true and event.stock_quantity != null ? 1 : 0' };

const shared = {
  title: 'event.name',
  description: { expr: '$string(event.description)' },
  url: 'event.permalink',
  published: { expr: "event.status = 'publish'" },
};

/** A product's images, or a variation's one image. */
const images = {
  image_full_url: { expr: '[event.images.src, event.image.src][0]' },
  images: { expr: '[event.images.src, event.image.src]' },
};

const variant = {
  ...shared,
  ...images,
  sku: { expr: "event.sku != '' ? event.sku : $string(event.id)" },
  price: { expr: "event.price != '' ? $number(event.price) : 0" },
  inventory_quantity: STOCK,
  inventory_policy: POLICY,
};

export const woocommerceCatalog: NonNullable<Preset['mapping']['catalog']> = [
  {
    id: 'product',
    event_types: UPSERTS,
    when: { expr: IS_PRODUCT },
    entity: 'item',
    external_id: 'event.id',
    as_of: AS_OF,
    fields: {
      ...shared,
      ...images,
      price: PRICE,
      categories: { expr: '[event.categories.id]' },
      custom_metadata: { expr: "{ 'sku': event.sku, 'type': event.type }" },
    },
  },
  {
    id: 'product_categories',
    event_types: UPSERTS,
    when: { expr: IS_PRODUCT },
    for_each: 'event.categories',
    entity: 'category',
    external_id: 'item.id',
    as_of: AS_OF,
    fields: { name: 'item.name' },
  },
  {
    id: 'simple_product_variant',
    event_types: UPSERTS,
    when: { expr: `${IS_PRODUCT} and event.type = 'simple'` },
    entity: 'variant',
    external_id: 'event.id',
    as_of: AS_OF,
    fields: { ...variant, item: 'event.id' },
  },
  {
    id: 'variation',
    event_types: UPSERTS,
    when: { expr: 'event.parent_id > 0' },
    entity: 'variant',
    external_id: 'event.id',
    as_of: AS_OF,
    fields: { ...variant, item: 'event.parent_id' },
  },
  {
    id: 'product_deleted',
    event_types: ['product.deleted'],
    entity: 'item',
    operation: 'delete',
    external_id: 'event.id',
  },
  {
    id: 'variant_deleted',
    event_types: ['product.deleted'],
    entity: 'variant',
    operation: 'delete',
    external_id: 'event.id',
  },
];
