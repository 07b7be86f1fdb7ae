// Shopify's products and collections as Klaviyo's catalog (docs/adr/0033-catalog-sync.md): `products/create` and
// `products/update` upsert an item per product and a variant per variant (price, SKU, stock and its policy, URL,
// image), versioned by the product's `updated_at`; `products/delete` deletes the item; `collections/create`,
// `update` and `delete` write categories. The webhooks carry no storefront URL, so URLs are built from the shop
// that sent them (`X-Shopify-Shop-Domain`, `meta.shop_domain`): `https://<shop>/products/<handle>`, which
// Shopify redirects to the shop's primary domain. `products/delete` carries only the product's id: its variants
// cannot be named, and what becomes of them is Klaviyo's (docs/presets/shopify.md).
import type { Preset } from './preset.ts';

export const SHOPIFY_CATALOG_TOPICS = [
  'products/create',
  'products/update',
  'products/delete',
  'collections/create',
  'collections/update',
  'collections/delete',
] as const;

type CatalogEntries = NonNullable<Preset['mapping']['catalog']>;

const UPSERTED = ['products/create', 'products/update'];

/** The product's page; absent (the upsert then fails as mapping_invalid) when the shop or handle is unknown. */
const PRODUCT_URL = "'https://' & meta.shop_domain & '/products/' & event.handle";
const HAS_URL = "$type(meta.shop_domain) = 'string' and $type(event.handle) = 'string'";

/**
 * Klaviyo's description is text: the product's HTML without its tags (a block's end is a space, an inline tag
 * nothing), else (none written) its title.
 */
const DESCRIPTION =
  "($html := $type(event.body_html) = 'string' ? event.body_html : ''; " +
  "$blocks := $replace($html, /<\\/?(p|div|li|ul|ol|br|h[1-6]|tr|td|table|blockquote)\\b[^>]*>/i, ' '); " +
  "$text := $trim($replace($replace($blocks, /<[^>]*>/, ''), /\\s+/, ' ')); " +
  "$text != '' ? $text : event.title)";

export const shopifyCatalog: CatalogEntries = [
  {
    id: 'shopify_product',
    event_types: UPSERTED,
    entity: 'item',
    external_id: 'event.id',
    as_of: 'event.updated_at',
    fields: {
      title: 'event.title',
      description: { expr: DESCRIPTION },
      url: { expr: `${HAS_URL} ? ${PRODUCT_URL}` },
      // The lowest of its variants' prices: what "from" a product block shows.
      price: { expr: '$min(event.variants.$number(price))' },
      image_full_url: 'event.image.src',
      images: { expr: '[event.images.src]' },
      // Klaviyo shows and recommends a published product; Shopify publishes an active one with a publish date.
      published: { expr: "event.status = 'active' and $type(event.published_at) = 'string'" },
      custom_metadata: {
        expr: "{ 'vendor': event.vendor, 'product_type': event.product_type, 'tags': event.tags, 'handle': event.handle }",
      },
    },
  },
  {
    id: 'shopify_variants',
    event_types: UPSERTED,
    entity: 'variant',
    for_each: 'event.variants',
    external_id: 'item.id',
    as_of: 'event.updated_at',
    fields: {
      item: 'event.id',
      // A product without options has one variant, which Shopify calls "Default Title".
      title: {
        expr: "item.title = 'Default Title' or $type(item.title) != 'string' ? event.title : event.title & ' - ' & item.title",
      },
      description: { expr: DESCRIPTION },
      // Klaviyo requires a SKU; Shopify's may be empty: the variant's id stands in.
      sku: { expr: "$type(item.sku) = 'string' and item.sku != '' ? item.sku : $string(item.id)" },
      price: 'item.price',
      inventory_quantity: { expr: "$type(item.inventory_quantity) = 'number' ? item.inventory_quantity : 0" },
      // `deny` (no sale out of stock) hides the variant from recommendation feeds when out of stock; `continue` never.
      inventory_policy: { expr: "item.inventory_policy = 'deny' ? 1 : 0" },
      url: { expr: `${HAS_URL} ? ${PRODUCT_URL} & '?variant=' & $string(item.id)` },
      image_full_url: {
        expr: '($own := $$.event.images[id = $$.item.image_id][0].src; $own ? $own : $$.event.image.src)',
      },
    },
  },
  {
    id: 'shopify_product_deleted',
    event_types: ['products/delete'],
    entity: 'item',
    operation: 'delete',
    external_id: 'event.id',
    // The payload is `{ "id": … }` alone: the delete is as new as its arrival.
  },
  {
    id: 'shopify_collection',
    event_types: ['collections/create', 'collections/update'],
    entity: 'category',
    external_id: 'event.id',
    as_of: 'event.updated_at',
    fields: { name: 'event.title' },
  },
  {
    id: 'shopify_collection_deleted',
    event_types: ['collections/delete'],
    entity: 'category',
    operation: 'delete',
    external_id: 'event.id',
  },
];

/** Catalog topics write catalog rows alone: no event, no profile upsert. */
export const shopifyCatalogEmit = Object.fromEntries(
  SHOPIFY_CATALOG_TOPICS.map((topic) => [topic, 'none' as const]),
);
