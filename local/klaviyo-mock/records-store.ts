// What the mock has recorded of custom objects: data sources (titles unique within a namespace, as Klaviyo
// requires) and their records. A record is keyed by its data source and its `id` field, the field the relay's
// custom objects are keyed by: written again, it replaces the record before and counts one more write, so a test
// sees at once whether a redelivered record was added twice.
import { MockHttpError } from './errors.ts';
import type { RecordedDataSource, RecordedDataSourceRecord } from './types-records.ts';

export interface DataSourceInput {
  title: string;
  visibility?: RecordedDataSource['visibility'] | null | undefined;
  description?: string | null | undefined;
  namespace?: string | null | undefined;
}

export class RecordsStore {
  /** `newId` of store.ts, given rather than imported so the two files do not import each other. */
  constructor(private readonly newId: (now: number) => string) {}

  private sources = new Map<string, RecordedDataSource>();
  private recordMap = new Map<string, RecordedDataSourceRecord>(); // `${data source}\u0000${record id}` → record

  /** Creates a data source; 409 when its namespace already has one of that title. */
  createDataSource(input: DataSourceInput, now: number): RecordedDataSource {
    const namespace = input.namespace ?? 'custom-objects';
    for (const source of this.sources.values())
      if (source.namespace === namespace && source.title === input.title)
        throw new MockHttpError(409, {
          code: 'conflict',
          title: 'Conflict.',
          detail: `A data source titled '${input.title}' already exists in namespace '${namespace}' (id ${source.id}).`,
          source: { pointer: '/data/attributes/title' },
        });
    const source: RecordedDataSource = {
      id: this.newId(now),
      title: input.title,
      visibility: input.visibility ?? 'private',
      description: input.description ?? '',
      namespace,
      created: new Date(now).toISOString(),
    };
    this.sources.set(source.id, source);
    return structuredClone(source);
  }

  hasDataSource(id: string): boolean {
    return this.sources.has(id);
  }

  /** Writes a record; answers whether it replaced one of the same id. */
  writeRecord(
    dataSourceId: string,
    record: Record<string, unknown>,
    via: RecordedDataSourceRecord['via'],
    now: number,
  ): { recordId: string; replaced: boolean } {
    const own = record.id;
    const recordId =
      typeof own === 'string' || typeof own === 'number' ? String(own) : `(no id) ${this.newId(now)}`;
    const key = `${dataSourceId}\u0000${recordId}`;
    const before = this.recordMap.get(key);
    const stamp = new Date(now).toISOString();
    this.recordMap.set(key, {
      dataSourceId,
      recordId,
      record: structuredClone(record),
      via,
      writes: (before?.writes ?? 0) + 1,
      created: before?.created ?? stamp,
      updated: stamp,
    });
    return { recordId, replaced: before !== undefined };
  }

  dataSources(): RecordedDataSource[] {
    return structuredClone([...this.sources.values()]);
  }

  records(): RecordedDataSourceRecord[] {
    return structuredClone([...this.recordMap.values()]);
  }

  reset(): void {
    this.sources.clear();
    this.recordMap.clear();
  }
}
