// What the custom-object operations do with a valid request: Create Data Source records a data source and answers
// it (201); Bulk Create Data Source Records and Create Data Source Record check what Klaviyo checks beyond the
// schema — the data source named and existing, each record within 512 KB — then record every record before
// answering 204 with no body (Klaviyo processes the job later and offers nothing to read back; the mock records
// at once, so tests can read the records at once). A request with one bad record records nothing.
import { invalid } from './errors.ts';
import type { OperationContext, OperationResult } from './operation-context.ts';
import type { RecordedDataSourceRecord } from './types-records.ts';

interface DataSourceBody {
  data: {
    attributes: { title: string; visibility?: 'private' | 'shared' | null; description?: string | null };
  } & { attributes: { namespace?: string | null } };
}

export function createDataSource(body: unknown, ctx: OperationContext): OperationResult {
  const { attributes } = (body as DataSourceBody).data;
  if (attributes.title.length < 1 || attributes.title.length > 255)
    throw invalid('The title must be between 1 and 255 characters.', '/data/attributes/title');
  const source = ctx.store.records.createDataSource(attributes, ctx.now);
  ctx.log(`klaviyo-mock ← data source "${source.title}" created (id ${source.id})`);
  const { id, title, visibility, description, namespace } = source;
  return {
    status: 201,
    body: {
      data: {
        type: 'data-source',
        id,
        attributes: { title, visibility, description, namespace },
        links: { self: `${ctx.baseUrl}/api/data-sources/${id}` },
      },
      links: { self: `${ctx.baseUrl}/api/data-sources` },
    },
  };
}

const DATA_SOURCE_ID = '/data/relationships/data-source/data/id';

/** The data source a record job names; it must exist. */
function dataSourceOf(body: unknown, ctx: OperationContext): string {
  const id = (body as { data: { relationships?: { 'data-source'?: { data?: { id?: string } } } } }).data
    .relationships?.['data-source']?.data?.id;
  if (id === undefined)
    throw invalid('A record job names its data source (relationships.data-source).', '/data/relationships');
  if (!ctx.store.records.hasDataSource(id))
    throw invalid(`No data source with id '${id}' exists.`, DATA_SOURCE_ID);
  return id;
}

/** Each record as JSON within the operation's per-record limit, else 400 naming the record. */
function checkRecordSizes(
  records: { record: Record<string, unknown>; pointer: string }[],
  ctx: OperationContext,
) {
  const limit = ctx.limits.maxRecordBytes;
  if (limit === undefined) return;
  for (const { record, pointer } of records) {
    const bytes = Buffer.byteLength(JSON.stringify(record));
    if (bytes > limit)
      throw invalid(
        `The record is ${bytes} bytes; the maximum allowed per record is ${limit} bytes.`,
        pointer,
      );
  }
}

export function createRecords(
  via: RecordedDataSourceRecord['via'],
  body: unknown,
  ctx: OperationContext,
): OperationResult {
  type Resource = { attributes: { record: Record<string, unknown> } };
  const attributes = (
    body as { data: { attributes: Record<string, { data?: Resource | Resource[] } | null> } }
  ).data.attributes;
  const records =
    via === 'bulk_create_data_source_records'
      ? ((attributes['data-source-records']?.data ?? []) as Resource[]).map((r, i) => ({
          record: r.attributes.record,
          pointer: `/data/attributes/data-source-records/data/${i}/attributes/record`,
        }))
      : [
          {
            record: (attributes['data-source-record']?.data as Resource).attributes.record,
            pointer: '/data/attributes/data-source-record/data/attributes/record',
          },
        ];
  const dataSourceId = dataSourceOf(body, ctx);
  checkRecordSizes(records, ctx);
  for (const { record } of records) {
    const { recordId, replaced } = ctx.store.records.writeRecord(dataSourceId, record, via, ctx.now);
    ctx.log(
      `klaviyo-mock ← record ${recordId} in data source ${dataSourceId} ${replaced ? 'updated' : 'created'}` +
        (via === 'bulk_create_data_source_records' ? ' [bulk]' : ''),
    );
  }
  return { status: 204 };
}
