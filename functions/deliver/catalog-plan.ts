// Packs catalog rows of one entity and one kind (create, update or delete) into jobs Klaviyo accepts whole: at
// most 100 rows and (with room to spare) 5 MB a job. Each job remembers which message sits at which row, so that
// an error Klaviyo reports for a row (by its pointer, else by the row's id in its detail) names the message.
import type { CatalogEntity, KlaviyoCatalogV1 } from '../shared/stage/contracts.ts';
import {
  CATALOG_ROWS_MEMBER,
  catalogId,
  catalogJobBody,
  catalogJobPaths,
  catalogRowOf,
  type CatalogJobKind,
} from './catalog-requests.ts';

export const CATALOG_JOB_MAX_ROWS = 100;
/** Klaviyo's 5 MB, less a margin for the envelope and for counting MB as 10^6 bytes. */
export const CATALOG_JOB_MAX_BYTES = 4_800_000;

export interface CatalogItem {
  /** The SQS message id the row came from. */
  id: string;
  message: KlaviyoCatalogV1;
}

export interface CatalogJob {
  entity: CatalogEntity;
  kind: CatalogJobKind;
  path: string;
  body: ReturnType<typeof catalogJobBody>;
  /** The items behind the rows, in row order. */
  items: CatalogItem[];
}

export function toCatalogJob(
  entity: CatalogEntity,
  kind: CatalogJobKind,
  items: readonly CatalogItem[],
): CatalogJob {
  return {
    entity,
    kind,
    path: catalogJobPaths(entity, kind).create,
    body: catalogJobBody(
      entity,
      kind,
      items.map((item) => catalogRowOf(item.message, kind)),
    ),
    items: [...items],
  };
}

/** Cuts the items (all of `entity`) into jobs of `kind`, in arrival order. */
export function planCatalogJobs(
  entity: CatalogEntity,
  kind: CatalogJobKind,
  items: readonly CatalogItem[],
  limits: { maxRows?: number; maxBytes?: number } = {},
): CatalogJob[] {
  const maxRows = limits.maxRows ?? CATALOG_JOB_MAX_ROWS;
  const maxBytes = limits.maxBytes ?? CATALOG_JOB_MAX_BYTES;
  const groups: CatalogItem[][] = [];
  let open: CatalogItem[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(catalogRowOf(item.message, kind))) + 1;
    if (open.length > 0 && (open.length >= maxRows || bytes + size > maxBytes)) {
      groups.push(open);
      open = [];
      bytes = 0;
    }
    open.push(item);
    bytes += size;
  }
  if (open.length > 0) groups.push(open);
  return groups.map((group) => toCatalogJob(entity, kind, group));
}

/** The row an error pointer names (`/data/attributes/<rows>/data/{row}/…`), if any. */
export function catalogRowAtPointer(job: CatalogJob, pointer: string | null | undefined): number | undefined {
  const prefix = `/data/attributes/${CATALOG_ROWS_MEMBER[job.entity]}/data/`;
  if (!pointer?.startsWith(prefix)) return undefined;
  const match = /^(\d+)(?:\/|$)/.exec(pointer.slice(prefix.length));
  const row = match ? Number(match[1]) : undefined;
  return row !== undefined && row < job.items.length ? row : undefined;
}

/**
 * The row a row error names: by its pointer, else by the one row whose Klaviyo id its detail quotes (Klaviyo's
 * job errors are not documented to carry a pointer). Undefined when it names none, or several.
 */
export function catalogRowOfError(
  job: CatalogJob,
  error: { detail?: string; source?: { pointer?: string | null } | null },
): number | undefined {
  const row = catalogRowAtPointer(job, error.source?.pointer);
  if (row !== undefined) return row;
  const detail = error.detail ?? '';
  const quoted = job.items.flatMap((item, i) =>
    detail.includes(catalogId(item.message.external_id)) ? [i] : [],
  );
  return quoted.length === 1 ? quoted[0] : undefined;
}
