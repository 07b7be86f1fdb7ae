// What the bulk catalog operations do with a valid request (the contract has checked the body): a create,
// update or delete job is recorded (./catalog-store.ts) and answered 202 with the job, unless the account already
// has its limit of jobs in progress (Klaviyo's 500: the contract's `maxJobsInProgress`), answered 429; a read
// answers the job, completing it when its time has come, with the errors of its refused rows.
import { MockHttpError, jobNotFound } from './errors.ts';
import type { OperationContext, OperationResult } from './operation-context.ts';
import { newId } from './store.ts';
import {
  CATALOG_OPERATION_IDS,
  type CatalogEntityName,
  type CatalogJobKind,
  type CatalogOperationId,
  type RecordedCatalogJob,
} from './types-catalog.ts';
import { isPlainObject } from '../../functions/shared/json/is-plain-object.ts';

const RESOURCE = { item: 'catalog-item', variant: 'catalog-variant', category: 'catalog-category' } as const;
const ROWS_MEMBER = { item: 'items', variant: 'variants', category: 'categories' } as const;
const WEEK_MS = 7 * 24 * 3600 * 1000;

/** The entity, the kind of job, and whether the operation reads a job rather than creating one. */
function operationOf(id: CatalogOperationId): {
  entity: CatalogEntityName;
  kind: CatalogJobKind;
  read: boolean;
} {
  const match = /^(get_)?bulk_(create|update|delete)_(?:catalog_)?(items|variants|categories)/.exec(id);
  const entity = ({ items: 'item', variants: 'variant', categories: 'category' } as const)[
    (match?.[3] ?? 'items') as 'items' | 'variants' | 'categories'
  ];
  return { entity, kind: (match?.[2] ?? 'create') as CatalogJobKind, read: match?.[1] !== undefined };
}

export const isCatalogOperation = (id: string): id is CatalogOperationId =>
  (CATALOG_OPERATION_IDS as readonly string[]).includes(id);

function jobDocument(job: RecordedCatalogJob, baseUrl: string): unknown {
  const collection = `${baseUrl}/api/${RESOURCE[job.entity]}-bulk-${job.kind}-jobs`;
  const self = `${collection}/${job.id}/`;
  const errors = job.rows.flatMap((row) =>
    row.error === null
      ? []
      : [
          {
            id: `${job.id}-${row.index}`,
            code: row.error.code,
            title: row.error.title,
            detail: row.error.detail,
            source: { pointer: row.error.pointer },
          },
        ],
  );
  return {
    data: {
      type: `${RESOURCE[job.entity]}-bulk-${job.kind}-job`,
      id: job.id,
      attributes: {
        status: job.status,
        created_at: job.createdAt,
        total_count: job.totalCount,
        completed_count: job.completedCount,
        failed_count: job.failedCount,
        completed_at: job.completedAt,
        errors,
        expires_at: new Date(Date.parse(job.createdAt) + WEEK_MS).toISOString(),
      },
      links: { self },
    },
    links: { self },
  };
}

export function performCatalogOperation(
  operationId: CatalogOperationId,
  body: unknown,
  ctx: OperationContext,
): OperationResult {
  const { entity, kind, read } = operationOf(operationId);
  const catalog = ctx.store.catalog;
  if (read) {
    const id = ctx.params.job_id ?? '';
    const job = catalog.read(id, ctx.now);
    if (!job) throw jobNotFound(id);
    return { status: 200, body: jobDocument(job, ctx.baseUrl) };
  }
  const cap = ctx.limits.maxJobsInProgress;
  if (cap !== undefined && catalog.inProgress() >= cap)
    throw new MockHttpError(
      429,
      {
        code: 'throttled',
        title: 'Request was throttled.',
        detail: `At most ${cap} catalog jobs may be in progress at one time; try again when some have completed.`,
        source: { pointer: '/data/' },
      },
      { 'Retry-After': '1' },
    );
  const attributes = isPlainObject(body) && isPlainObject(body.data) ? body.data.attributes : undefined;
  const rows =
    isPlainObject(attributes) && isPlainObject(attributes[ROWS_MEMBER[entity]])
      ? attributes[ROWS_MEMBER[entity]]
      : {};
  const data =
    isPlainObject(rows) && Array.isArray(rows.data) ? (rows.data as Record<string, unknown>[]) : [];
  const job = catalog.create(newId(ctx.now), entity, kind, data, ctx.now);
  const after = catalog.get(job.id);
  ctx.log(
    `klaviyo-mock ← catalog ${entity} bulk ${kind} job ${job.id}: ${job.totalCount} rows` +
      (after?.status === 'complete'
        ? `, ${after.completedCount} applied, ${after.failedCount} failed`
        : ', queued'),
  );
  // What Klaviyo says of a job it has just accepted, even when the mock has applied it already.
  return { status: 202, body: jobDocument(job, ctx.baseUrl) };
}
