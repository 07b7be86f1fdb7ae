// The request bodies of Klaviyo's bulk catalog jobs (create, update, delete of items, variants and categories),
// built from `klaviyo.catalog` messages, and where each job and its read-back live. The relay writes `$custom`
// catalog rows only (the only kind the API writes), so every id is `$custom:::$default:::<external id>`.
import { CATALOG_FIELDS, type CatalogEntity, type KlaviyoCatalogV1 } from '../shared/stage/contracts.ts';

export type CatalogJobKind = 'create' | 'update' | 'delete';

/** Klaviyo's resource type of each entity, and the member of a job's attributes that holds its rows. */
const RESOURCE = { item: 'catalog-item', variant: 'catalog-variant', category: 'catalog-category' } as const;
export const CATALOG_ROWS_MEMBER = { item: 'items', variant: 'variants', category: 'categories' } as const;

/** Klaviyo's id of a `$custom` catalog row in the `$default` catalog. */
export const catalogId = (externalId: string): string => `$custom:::$default:::${externalId}`;

/** The job's endpoint, and its read's path template (one budget for every job id, endpoint-pacers.ts). */
export function catalogJobPaths(entity: CatalogEntity, kind: CatalogJobKind) {
  const create = `/api/${RESOURCE[entity]}-bulk-${kind}-jobs`;
  return { create, job: `${create}/{job_id}`, jobOf: (id: string) => `${create}/${encodeURIComponent(id)}` };
}

/** The message's fields that are relationships (by external id) rather than attributes. */
const RELATIONSHIPS = new Set(['categories', 'item', 'items']);

/** The attributes an entity takes beside its id (create and update alike; create adds external_id). */
const attributeNames = (entity: CatalogEntity): readonly string[] =>
  CATALOG_FIELDS[entity].filter((name) => !RELATIONSHIPS.has(name));

type Row = Record<string, unknown>;

function attributesOf(message: KlaviyoCatalogV1): Record<string, unknown> {
  const fields = (message.fields ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    attributeNames(message.entity).flatMap((name) => (name in fields ? [[name, fields[name]]] : [])),
  );
}

const refs = (type: string, externalIds: readonly string[]) => ({
  data: externalIds.map((id) => ({ type, id: catalogId(id) })),
});

/** Relationships a row names (an item's categories, a category's items; a variant's item on create only). */
function relationshipsOf(message: KlaviyoCatalogV1, kind: 'create' | 'update'): Row | undefined {
  const fields = message.fields;
  if (message.entity === 'item' && fields?.categories !== undefined)
    return { categories: refs(RESOURCE.category, fields.categories) };
  if (message.entity === 'category' && fields?.items !== undefined)
    return { items: refs(RESOURCE.item, fields.items) };
  if (message.entity === 'variant' && kind === 'create' && fields?.item !== undefined)
    return { item: { data: { type: RESOURCE.item, id: catalogId(fields.item) } } };
  return undefined;
}

/** One row of a job of `kind` for this message. */
export function catalogRowOf(message: KlaviyoCatalogV1, kind: CatalogJobKind): Row {
  const type = RESOURCE[message.entity];
  if (kind === 'delete') return { type, id: catalogId(message.external_id) };
  const relationships = relationshipsOf(message, kind);
  const row: Row =
    kind === 'create'
      ? {
          type,
          attributes: {
            external_id: message.external_id,
            integration_type: '$custom',
            catalog_type: '$default',
            ...attributesOf(message),
          },
        }
      : { type, id: catalogId(message.external_id), attributes: attributesOf(message) };
  if (relationships) row.relationships = relationships;
  return row;
}

/** A job's body: `{ data: { type: '<resource>-bulk-<kind>-job', attributes: { <rows member>: { data } } } }`. */
export function catalogJobBody(entity: CatalogEntity, kind: CatalogJobKind, rows: readonly Row[]) {
  return {
    data: {
      type: `${RESOURCE[entity]}-bulk-${kind}-job`,
      attributes: { [CATALOG_ROWS_MEMBER[entity]]: { data: [...rows] } },
    },
  };
}
