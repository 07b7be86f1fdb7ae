// A mapping's catalog writes (`mapping.catalog`): each entry, for the event types it names and when its condition
// holds, writes one catalog row — an item, a variant or a category of Klaviyo's catalog, upserted or deleted — or
// one per element of its `for_each` list (a product's variants). Every field is a dot path or an expression over
// the webhook (and, in a for_each entry, `item` and `index`). Catalog rows are state: each carries its version
// (`as_of`, the product's `updated_at`), and deliver writes only forward (docs/adr/0033-catalog-sync.md). Entries
// have ids, so a source's own entry can override its preset's.
import * as z from '../zod.ts';
import { memo } from '../zod.ts';
import { CATALOG_ENTITIES, CATALOG_FIELDS, type KlaviyoCatalogV1 } from '../stage/contracts.ts';
import { valueSpecSchema } from './value-spec.ts';

/** A field a catalog entry may map: one the catalog message's `fields` takes. */
type CatalogFieldName = keyof NonNullable<KlaviyoCatalogV1['fields']>;

/**
 * The fields a catalog entry may map: Klaviyo's catalog attributes, and relationships by external id — those the
 * message contract lets one entity or another take (CATALOG_FIELDS), so the two lists cannot drift apart.
 */
export const CATALOG_FIELD_NAMES = [
  ...new Set(CATALOG_ENTITIES.flatMap((entity) => CATALOG_FIELDS[entity])),
] as readonly CatalogFieldName[];

/** One catalog write a webhook may make (`mapping.catalog`). */
export const catalogSpecSchema = memo(() =>
  z.strictObject({
    /** Names the entry, so that a source's entry replaces its preset's entry of the same id. */
    id: z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lower_snake_case')),
    /** The event types (topics) this entry is for; unset: every one. */
    event_types: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
    /** The entry writes only when this is true (truthy). */
    when: z
      .optional(valueSpecSchema())
      .check(z.describe('The entry writes only when this is true (truthy).')),
    entity: z.enum(['item', 'variant', 'category']).check(z.describe('item, variant or category.')),
    /** `upsert` (update, or create when Klaviyo has none) or `delete`; default upsert. */
    operation: z
      ._default(z.enum(['upsert', 'delete']), 'upsert')
      .check(z.describe('upsert (the default) or delete.')),
    /** One row per element of this list (e.g. a product's variants), read as `item` (and `index`). */
    for_each: z.optional(valueSpecSchema()).check(z.describe('One row per element of this list.')),
    /** The row's id in the source (Klaviyo's id is `$custom:::$default:::<external id>`). */
    external_id: valueSpecSchema(),
    /** Klaviyo's attributes to write, each a dot path or expression; categories, item and items by external id. */
    fields: z._default(
      z.strictObject(
        Object.fromEntries(
          CATALOG_FIELD_NAMES.map((name) => [name, z.optional(valueSpecSchema())]),
        ) as Record<CatalogFieldName, z.ZodMiniOptional<ReturnType<typeof valueSpecSchema>>>,
      ),
      {},
    ),
    /** The version of the row (the product's `updated_at`); default when the webhook was received. */
    as_of: z
      .optional(valueSpecSchema())
      .check(z.describe("The row's version (e.g. updated_at); default when the webhook was received.")),
  }),
);
export type CatalogSpec = z.infer<ReturnType<typeof catalogSpecSchema>>;
