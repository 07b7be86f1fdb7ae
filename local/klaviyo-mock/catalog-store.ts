// The mock's catalog: items, variants and categories, and the bulk jobs that write them, as Klaviyo runs them —
// accepted (`queued`), then `processing`, then `complete`, when each row has been applied or refused with an
// error naming it (`/data/attributes/<rows>/data/{i}`). Klaviyo's row rules: a create of an id that exists, an
// update or delete of one that does not, a variant of an item that does not exist, and custom metadata over
// 100 KB are refused. A job
// completes at once by default, or (options.catalogJobs) after some reads answered `processing` and some mock
// time passed, as profile import jobs do (./import-jobs.ts). Jobs not complete count towards the in-progress cap.
import type { ImportJobTiming } from './import-jobs.ts';
import type {
  CatalogEntityName,
  CatalogJobKind,
  CatalogRowError,
  RecordedCatalogEntry,
  RecordedCatalogJob,
} from './types-catalog.ts';

const CUSTOM_METADATA_MAX_BYTES = 100 * 1024;
const ROWS_MEMBER = { item: 'items', variant: 'variants', category: 'categories' } as const;
const RELATION = { item: 'categories', variant: 'item', category: 'items' } as const;
const ENTITY_WORDS = {
  item: 'catalog item',
  variant: 'catalog variant',
  category: 'catalog category',
} as const;

type Row = Record<string, unknown>;
const asRecord = (value: unknown): Row =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Row) : {};

function relatedIds(row: Row, entity: CatalogEntityName): string[] | undefined {
  const relation = asRecord(asRecord(row.relationships)[RELATION[entity]]);
  if (!('data' in relation)) return undefined;
  const data = relation.data;
  const list = Array.isArray(data) ? data : [data];
  return list.map((ref) => String(asRecord(ref).id));
}

export class CatalogStore {
  private entries = new Map<string, RecordedCatalogEntry>();
  private jobList = new Map<string, RecordedCatalogJob>();

  private readonly timing: ImportJobTiming;

  constructor({ processingReads = 0, delayMs = 0 }: Partial<ImportJobTiming> = {}) {
    this.timing = { processingReads, delayMs };
    for (const n of [processingReads, delayMs])
      if (!Number.isInteger(n) || n < 0)
        throw new Error('catalogJobs: processingReads and delayMs must be integers ≥ 0');
  }

  /** Jobs accepted and not yet complete: what Klaviyo's 500-jobs-in-progress cap counts. */
  inProgress(): number {
    return [...this.jobList.values()].filter((job) => job.status !== 'complete').length;
  }

  create(
    id: string,
    entity: CatalogEntityName,
    kind: CatalogJobKind,
    rows: Row[],
    now: number,
  ): RecordedCatalogJob {
    const job: RecordedCatalogJob = {
      id,
      entity,
      kind,
      status: 'queued',
      createdAt: new Date(now).toISOString(),
      completedAt: null,
      totalCount: rows.length,
      completedCount: 0,
      failedCount: 0,
      reads: 0,
      rows: rows.map((row, index) => ({ index, row: structuredClone(row), outcome: 'pending', error: null })),
    };
    this.jobList.set(id, job);
    const snapshot = structuredClone(job);
    if (this.timing.processingReads === 0 && this.timing.delayMs === 0) this.complete(job, now);
    return snapshot;
  }

  /** A read of the job: `processing` until its time comes, then complete. Undefined when unknown. */
  read(id: string, now: number): RecordedCatalogJob | undefined {
    const job = this.jobList.get(id);
    if (!job) return undefined;
    if (job.status !== 'complete') {
      const due =
        job.reads >= this.timing.processingReads && now >= Date.parse(job.createdAt) + this.timing.delayMs;
      if (due) this.complete(job, now);
      else job.status = 'processing';
    }
    job.reads += 1;
    return structuredClone(job);
  }

  get(id: string): RecordedCatalogJob | undefined {
    const job = this.jobList.get(id);
    return job && structuredClone(job);
  }

  jobs(): RecordedCatalogJob[] {
    return structuredClone([...this.jobList.values()]);
  }

  /** Whether the catalog holds that entity under that id (`$custom:::$default:::<external id>`). */
  has(entity: CatalogEntityName, id: string): boolean {
    return this.entries.has(this.key(entity, id));
  }

  /** The catalog as it stands, in the order rows were first created. */
  catalog(): RecordedCatalogEntry[] {
    return structuredClone([...this.entries.values()]);
  }

  reset(): void {
    this.entries.clear();
    this.jobList.clear();
  }

  private key = (entity: CatalogEntityName, id: string) => `${entity}\u0000${id}`;

  /** Applies one row; a refusal is returned, not thrown: it is the row's error, not the job's. */
  private apply(job: RecordedCatalogJob, row: Row, at: string, stamp: string): CatalogRowError | null {
    const { entity, kind } = job;
    const words = ENTITY_WORDS[entity];
    const attributes = asRecord(row.attributes);
    const id = kind === 'create' ? `$custom:::$default:::${String(attributes.external_id)}` : String(row.id);
    const key = this.key(entity, id);
    const held = this.entries.get(key);
    const refused = (code: string, title: string, detail: string, pointer = at): CatalogRowError => ({
      code,
      title,
      detail,
      pointer,
    });
    // Klaviyo's documented limit on the flat metadata blob ("May not exceed 100kb").
    const metadataBytes = Buffer.byteLength(JSON.stringify(attributes.custom_metadata ?? null));
    if (metadataBytes > CUSTOM_METADATA_MAX_BYTES)
      return refused(
        'invalid',
        'Invalid input.',
        `custom_metadata may not exceed 100kb (got ${metadataBytes} bytes).`,
        `${at}/attributes/custom_metadata`,
      );
    if (kind === 'create') {
      if (held) return refused('conflict', 'Conflict.', `A ${words} with id '${id}' already exists.`);
      const related = relatedIds(row, entity) ?? [];
      if (entity === 'variant') {
        const itemId = related[0] ?? '';
        if (!this.entries.has(this.key('item', itemId)))
          return refused(
            'not_found',
            'Not found.',
            `The catalog item '${itemId}' of this variant does not exist.`,
            `${at}/relationships/item/data/id`,
          );
      }
      // Klaviyo keeps the row's own attributes; the id already says its integration and catalog.
      const rest = Object.fromEntries(
        Object.entries(attributes).filter(
          ([name]) => !['external_id', 'integration_type', 'catalog_type'].includes(name),
        ),
      );
      this.entries.set(key, {
        entity,
        id,
        externalId: String(attributes.external_id),
        attributes: rest,
        related,
        created: stamp,
        updated: stamp,
      });
      return null;
    }
    if (!held) return refused('not_found', 'Not found.', `A ${words} with id '${id}' does not exist.`);
    if (kind === 'delete') {
      this.entries.delete(key);
      return null;
    }
    Object.assign(held.attributes, attributes);
    held.related = relatedIds(row, entity) ?? held.related;
    held.updated = stamp;
    return null;
  }

  private complete(job: RecordedCatalogJob, now: number): void {
    const stamp = new Date(now).toISOString();
    for (const row of job.rows) {
      const at = `/data/attributes/${ROWS_MEMBER[job.entity]}/data/${row.index}`;
      row.error = this.apply(job, row.row, at, stamp);
      row.outcome = row.error === null ? 'applied' : 'failed';
    }
    job.status = 'complete';
    job.completedAt = stamp;
    job.completedCount = job.rows.filter((r) => r.outcome === 'applied').length;
    job.failedCount = job.rows.length - job.completedCount;
  }
}
