// hydrate → deliver: the catalog row message (klaviyo.catalog), with what each entity takes and requires
// (docs/adr/0033-catalog-sync.md).
import * as z from '../../zod.ts';
import { memo } from '../../zod.ts';
import { flatPropertiesSchema, trace } from './fields.ts';

/** The catalog entities the relay keeps in sync (Klaviyo's `$custom` catalog: items, their variants, categories). */
export const CATALOG_ENTITIES = ['item', 'variant', 'category'] as const;
export type CatalogEntity = (typeof CATALOG_ENTITIES)[number];

/** What each entity's upsert must carry: the attributes Klaviyo's create job requires (the upsert may create). */
const CATALOG_REQUIRED: Record<CatalogEntity, readonly string[]> = {
  item: ['title', 'description', 'url'],
  variant: ['item', 'title', 'description', 'sku', 'inventory_quantity', 'price', 'url'],
  category: ['name'],
};
/** The fields each entity takes (Klaviyo's create and update attributes, and its relationships by external id). */
export const CATALOG_FIELDS: Record<CatalogEntity, readonly string[]> = {
  item: [
    'title',
    'description',
    'url',
    'price',
    'image_full_url',
    'image_thumbnail_url',
    'images',
    'custom_metadata',
    'published',
    'categories',
  ],
  variant: [
    'item',
    'title',
    'description',
    'sku',
    'inventory_quantity',
    'inventory_policy',
    'price',
    'url',
    'image_full_url',
    'image_thumbnail_url',
    'images',
    'custom_metadata',
    'published',
  ],
  category: ['name', 'items'],
};

/**
 * hydrate → deliver: one catalog row (Klaviyo's bulk catalog jobs; deliver gathers a batch's rows into jobs).
 * `upsert` updates the entity or creates it when Klaviyo has none; `delete` removes it. State, like the profile
 * upsert: per entity the newest write by `as_of` wins (docs/adr/0033-catalog-sync.md). External ids only: deliver
 * builds Klaviyo's `$custom:::$default:::<external id>`.
 */
export const klaviyoCatalogV1Schema = memo(() => {
  const externalId = z.string().check(z.minLength(1), z.maxLength(255));
  const url = z.string().check(z.minLength(1), z.maxLength(2048));
  return z
    .strictObject({
      type: z.literal('klaviyo.catalog'),
      version: z.literal(1),
      ...trace(),
      entity: z.enum(CATALOG_ENTITIES),
      operation: z.enum(['upsert', 'delete']),
      external_id: externalId,
      /** The entity's attributes (an upsert's; a delete has none). Absent fields are left as Klaviyo holds them. */
      fields: z.optional(
        z.strictObject({
          title: z.optional(z.string()),
          description: z.optional(z.string()),
          url: z.optional(url),
          price: z.optional(z.number()),
          image_full_url: z.optional(url),
          image_thumbnail_url: z.optional(url),
          images: z.optional(z.array(url)),
          /** Klaviyo's flat JSON blob (at most 100 KB). */
          custom_metadata: z.optional(flatPropertiesSchema()),
          published: z.optional(z.boolean()),
          /** A variant's SKU and stock. */
          sku: z.optional(z.string()),
          inventory_quantity: z.optional(z.number()),
          /** Klaviyo's codes: 1 hides the variant from recommendation feeds when out of stock; 0 or 2 never. */
          inventory_policy: z.optional(z.union([z.literal(0), z.literal(1), z.literal(2)])),
          /** A category's name. */
          name: z.optional(z.string()),
          /** An item's categories, by external id. */
          categories: z.optional(z.array(externalId)),
          /** A variant's item, by external id. */
          item: z.optional(externalId),
          /** A category's items, by external id. */
          items: z.optional(z.array(externalId)),
        }),
      ),
      /** The version of the state this write describes (the product's `updated_at`, else `received_at`). */
      as_of: z.iso.datetime(),
    })
    .check(
      z.refine((m) => m.operation === 'upsert' || m.fields === undefined, {
        message: 'a catalog delete carries no fields',
      }),
      z.refine((m) => Object.keys(m.fields ?? {}).every((name) => CATALOG_FIELDS[m.entity].includes(name)), {
        message: 'a catalog field that the entity does not take',
      }),
      z.refine(
        (m) =>
          m.operation === 'delete' ||
          CATALOG_REQUIRED[m.entity].every(
            (name) => (m.fields as Record<string, unknown>)?.[name] !== undefined,
          ),
        { message: 'a catalog upsert needs what Klaviyo requires to create the entity' },
      ),
    );
});
export type KlaviyoCatalogV1 = z.infer<ReturnType<typeof klaviyoCatalogV1Schema>>;
