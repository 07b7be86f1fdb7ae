// BigCommerce's product webhooks as catalog rows. The webhook is thin (`data: { type: 'product', id }`), so a
// created or updated product is read from the Catalog API with its variants and images (every BigCommerce
// product has at least one variant, its base), and the store's storefront URL and currency from `/v2/store`
// (cached: it rarely changes). Item per product, variant per variant, versioned by the product's `date_modified`.
// A deleted product can no longer be read: its item is deleted by id, without a call, versioned by the webhook's
// time; its variants stay (their ids were in the product), as ADR 0033 says of an item's delete. The item names its
// categories (the product's `categories` ids), read in one call and written beside it, since a category made before
// the relay has had no webhook and an item names only categories Klaviyo has. Category scopes are thin too: a created or updated category is read
// from the Category Trees API (`/v3/catalog/trees/categories?category_id:in=`, which replaced
// `/v3/catalog/categories`) for its name; a deleted one is deleted by id. A category carries no modification time,
// so its rows are versioned by the webhook's `created_at`.
import type { Preset } from './preset.ts';

export const BIGCOMMERCE_PRODUCT_SCOPES = [
  'store/product/created',
  'store/product/updated',
  'store/product/deleted',
] as const;
export const BIGCOMMERCE_CATEGORY_SCOPES = [
  'store/category/created',
  'store/category/updated',
  'store/category/deleted',
] as const;
export const BIGCOMMERCE_CATALOG_SCOPES = [
  ...BIGCOMMERCE_PRODUCT_SCOPES,
  ...BIGCOMMERCE_CATEGORY_SCOPES,
] as const;
const UPSERTS = ['store/product/created', 'store/product/updated'];
const READ_PRODUCT = `meta.scope in ${JSON.stringify(UPSERTS)}`;
const CATEGORY_UPSERTS = ['store/category/created', 'store/category/updated'];

export const bigcommerceCatalogSteps: NonNullable<NonNullable<Preset['hydration']>['steps']> = [
  {
    name: 'product',
    path: '/v3/catalog/products/{event.data.id}?include=variants,images',
    when: { expr: READ_PRODUCT },
    pick: 'data',
  },
  { name: 'store', path: '/v2/store', when: { expr: READ_PRODUCT }, cache_ttl_seconds: 3_600 },
  {
    // The product's categories, written with it: a category made before the relay has had no webhook, and an item
    // names only categories Klaviyo has.
    name: 'categories',
    path: '/v3/catalog/trees/categories?category_id:in={params.ids}&limit=250',
    params: { ids: { expr: "$join(product.categories.$string($), ',')" } },
    when: { expr: `${READ_PRODUCT} and $count(product.categories) > 0` },
    pick: 'data',
  },
  {
    name: 'category',
    path: '/v3/catalog/trees/categories?category_id:in={event.data.id}',
    when: { expr: `meta.scope in ${JSON.stringify(CATEGORY_UPSERTS)}` },
    // One id asked, one category answered; none when it was deleted meanwhile (its delete webhook follows).
    pick: { expr: 'data[0]' },
  },
];

/** The storefront page: `custom_url.url` is a path on the store's domain. */
const URL = { expr: "$replace(store.secure_url, /\\/$/, '') & product.custom_url.url" };
/** The thumbnail image first (BigCommerce's main image), then by sort order. */
const IMAGES =
  '$sort(product.images, function($a, $b) { $a.is_thumbnail = false and $b.is_thumbnail = true or ($a.is_thumbnail = $b.is_thumbnail and $a.sort_order > $b.sort_order) })';
/** Stock: tracked per product (`inventory_level` of the product) or per variant; untracked sends 0, never hidden. */
const TRACKED = "product.inventory_tracking in ['product', 'variant']";
const STOCK = {
  expr: `product.inventory_tracking = 'variant' ? item.inventory_level : product.inventory_tracking = 'product' ? product.inventory_level : 0`,
};

const common = {
  description: { expr: '$string(product.description)' },
  url: URL,
  published: 'product.is_visible',
};

export const bigcommerceCatalog: NonNullable<Preset['mapping']['catalog']> = [
  {
    id: 'product',
    event_types: UPSERTS,
    entity: 'item',
    external_id: 'product.id',
    as_of: 'product.date_modified',
    fields: {
      ...common,
      title: 'product.name',
      price: 'product.calculated_price',
      image_full_url: { expr: `${IMAGES}[0].url_zoom` },
      image_thumbnail_url: { expr: `${IMAGES}[0].url_thumbnail` },
      images: { expr: `[${IMAGES}.url_zoom]` },
      // The product's categories by id (the category scopes below write them).
      categories: { expr: '[product.categories]' },
      custom_metadata: {
        expr: "{ 'sku': product.sku, 'type': product.type, 'brand_id': product.brand_id, 'currency': store.currency }",
      },
    },
  },
  {
    id: 'variants',
    event_types: UPSERTS,
    entity: 'variant',
    for_each: 'product.variants',
    external_id: 'item.id',
    as_of: 'product.date_modified',
    fields: {
      ...common,
      item: 'product.id',
      // The product's name, and the variant's options when it has any: "Shirt - Blue / L".
      title: {
        expr: "product.name & ($count(item.option_values) > 0 ? ' - ' & $join(item.option_values.label, ' / ') : '')",
      },
      sku: { expr: 'item.sku ? item.sku : $string(item.id)' },
      // A variant without its own price sells at the product's; calculated_price says which.
      price: { expr: 'item.calculated_price ? item.calculated_price : product.calculated_price' },
      inventory_quantity: STOCK,
      inventory_policy: { expr: `${TRACKED} ? 1 : 0` },
      image_full_url: { expr: `item.image_url ? item.image_url : ${IMAGES}[0].url_zoom` },
      custom_metadata: {
        expr: "{ 'purchasing_disabled': item.purchasing_disabled, 'currency': store.currency }",
      },
    },
  },
  {
    id: 'product_deleted',
    event_types: ['store/product/deleted'],
    entity: 'item',
    operation: 'delete',
    external_id: 'event.data.id',
    // The webhook's own time (Unix seconds): after the product's last change.
    as_of: 'event.created_at',
  },
  {
    id: 'product_categories',
    event_types: UPSERTS,
    for_each: 'categories',
    entity: 'category',
    external_id: 'item.category_id',
    // Read when the webhook was: as new as the webhook, like a category scope's row.
    as_of: 'event.created_at',
    fields: { name: 'item.name' },
  },
  {
    id: 'category',
    event_types: CATEGORY_UPSERTS,
    when: { expr: '$exists(category)' },
    entity: 'category',
    external_id: 'category.category_id',
    as_of: 'event.created_at',
    fields: { name: 'category.name' },
  },
  {
    id: 'category_deleted',
    event_types: ['store/category/deleted'],
    entity: 'category',
    operation: 'delete',
    external_id: 'event.data.id',
    as_of: 'event.created_at',
  },
];
