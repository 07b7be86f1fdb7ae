// Request bodies of Klaviyo's data source record operations, in the JSON:API shapes of Bulk Create Data Source
// Records (many records of one data source a job) and Create Data Source Record (one record). Each record goes
// as the message's record with the message's `record_id` as its `id`: the field the custom object is keyed by,
// so a record sent again updates the record it sent before (docs/adr/0034-custom-object-records.md).
import type { KlaviyoRecordV1 } from '../shared/stage/contracts.ts';

/** Where each operation lives; the pacer keeps one budget per path, as Klaviyo does. */
export const RECORD_PATHS = {
  bulkCreateRecords: '/api/data-source-record-bulk-create-jobs',
  createRecord: '/api/data-source-record-create-jobs',
} as const;

/** The record Klaviyo receives: the message's record, named by its record id. */
export function recordOf(message: KlaviyoRecordV1): Record<string, unknown> {
  return { ...message.record, id: message.record_id };
}

const recordResource = (message: KlaviyoRecordV1) => ({
  type: 'data-source-record' as const,
  attributes: { record: recordOf(message) },
});

/** UTF-8 bytes of the record as sent: what Klaviyo's 512 KB a record counts. */
export const recordBytes = (message: KlaviyoRecordV1): number =>
  Buffer.byteLength(JSON.stringify(recordOf(message)));

const dataSource = (dataSourceId: string) => ({
  'data-source': { data: { type: 'data-source' as const, id: dataSourceId } },
});

/** Bulk Create Data Source Records: the records of one data source, in the order given. */
export function bulkCreateRecordsBody(dataSourceId: string, messages: readonly KlaviyoRecordV1[]) {
  return {
    data: {
      type: 'data-source-record-bulk-create-job' as const,
      attributes: { 'data-source-records': { data: messages.map(recordResource) } },
      relationships: dataSource(dataSourceId),
    },
  };
}

/** Create Data Source Record: one record. */
export function createRecordBody(message: KlaviyoRecordV1) {
  return {
    data: {
      type: 'data-source-record-create-job' as const,
      attributes: { 'data-source-record': { data: recordResource(message) } },
      relationships: dataSource(message.data_source_id),
    },
  };
}
