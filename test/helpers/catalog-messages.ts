// `klaviyo.catalog` messages for the tests: an item, a variant, a category (upserts with what a create needs),
// and deletes, each built through the stage contract's schema.
import {
  klaviyoCatalogV1Schema,
  type CatalogEntity,
  type KlaviyoCatalogV1,
} from '../../functions/shared/stage/contracts.ts';

const DAY = '2026-11-23';

function catalogMessage(fields: Record<string, unknown>): KlaviyoCatalogV1 {
  return klaviyoCatalogV1Schema().parse({
    type: 'klaviyo.catalog',
    version: 1,
    correlation_id: `shop:${String(fields.external_id)}-${String(fields.as_of)}`,
    source: 'shop',
    delivery_id: `${String(fields.external_id)}-${String(fields.as_of)}`,
    operation: 'upsert',
    ...fields,
  });
}

/** `as_of` at that hour of the day (`10` → 10:00Z). */
export const at = (hour: number) => `${DAY}T${String(hour).padStart(2, '0')}:00:00Z`;

export const itemUpsert = (externalId: string, asOf = at(10), fields: Record<string, unknown> = {}) =>
  catalogMessage({
    entity: 'item',
    external_id: externalId,
    as_of: asOf,
    fields: {
      title: `Shirt ${externalId}`,
      description: 'Blue, cotton',
      url: `https://shop.example.com/p/${externalId}`,
      price: 25,
      image_full_url: `https://cdn.example.com/${externalId}.png`,
      custom_metadata: { colour: 'blue' },
      ...fields,
    },
  });

export const variantUpsert = (
  externalId: string,
  item: string,
  asOf = at(10),
  fields: Record<string, unknown> = {},
) =>
  catalogMessage({
    entity: 'variant',
    external_id: externalId,
    as_of: asOf,
    fields: {
      item,
      title: `Shirt ${externalId}`,
      description: 'Blue, cotton, M',
      sku: `SKU-${externalId}`,
      inventory_quantity: 3,
      inventory_policy: 1,
      price: 25,
      url: `https://shop.example.com/p/${item}?v=${externalId}`,
      ...fields,
    },
  });

export const categoryUpsert = (externalId: string, asOf = at(10), fields: Record<string, unknown> = {}) =>
  catalogMessage({
    entity: 'category',
    external_id: externalId,
    as_of: asOf,
    fields: { name: `Category ${externalId}`, ...fields },
  });

export const catalogDelete = (entity: CatalogEntity, externalId: string, asOf = at(10)) =>
  catalogMessage({ entity, operation: 'delete', external_id: externalId, as_of: asOf });
