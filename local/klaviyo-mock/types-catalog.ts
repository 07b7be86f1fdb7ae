// The Klaviyo mock's catalog types: the operations (bulk create, update and delete jobs of items, variants and
// categories, and the reads of those jobs), and what a test reads back (the catalog as it stands, the jobs).

export type CatalogEntityName = 'item' | 'variant' | 'category';
export type CatalogJobKind = 'create' | 'update' | 'delete';

export const CATALOG_OPERATION_IDS = [
  'bulk_create_catalog_items',
  'bulk_update_catalog_items',
  'bulk_delete_catalog_items',
  'bulk_create_catalog_variants',
  'bulk_update_catalog_variants',
  'bulk_delete_catalog_variants',
  'bulk_create_catalog_categories',
  'bulk_update_catalog_categories',
  'bulk_delete_catalog_categories',
  'get_bulk_create_catalog_items_job',
  'get_bulk_update_catalog_items_job',
  'get_bulk_delete_catalog_items_job',
  'get_bulk_create_variants_job',
  'get_bulk_update_variants_job',
  'get_bulk_delete_variants_job',
  'get_bulk_create_categories_job',
  'get_bulk_update_categories_job',
  'get_bulk_delete_categories_job',
] as const;
export type CatalogOperationId = (typeof CATALOG_OPERATION_IDS)[number];

/** One catalog row as the mock holds it (Klaviyo's `$custom:::$default:::<external id>` ids). */
export interface RecordedCatalogEntry {
  entity: CatalogEntityName;
  id: string;
  externalId: string;
  attributes: Record<string, unknown>;
  /** An item's category ids; a variant's item id (one); a category's item ids. */
  related: string[];
  created: string;
  updated: string;
}

/** A refused row, as the job lists it. */
export interface CatalogRowError {
  code: string;
  title: string;
  detail: string;
  pointer: string;
}

export interface RecordedCatalogJob {
  id: string;
  entity: CatalogEntityName;
  kind: CatalogJobKind;
  status: 'queued' | 'processing' | 'complete';
  createdAt: string;
  completedAt: string | null;
  totalCount: number;
  completedCount: number;
  failedCount: number;
  reads: number;
  rows: {
    index: number;
    row: Record<string, unknown>;
    outcome: 'pending' | 'applied' | 'failed';
    error: CatalogRowError | null;
  }[];
}
