// The Klaviyo mock's public types for custom objects: data sources and their records, as a test reads them back.

/** A data source (Create Data Source), which records are written to. */
export interface RecordedDataSource {
  /** Mock-assigned id, Klaviyo-like (26 characters). */
  id: string;
  title: string;
  visibility: 'private' | 'shared';
  description: string;
  namespace: string;
  /** ISO 8601 creation time (mock clock). */
  created: string;
}

/**
 * One record of a data source as it stands. Records are keyed by their `id` field (the field the relay's custom
 * objects are keyed by): a record written again with the same id replaces the one before and counts a write.
 */
export interface RecordedDataSourceRecord {
  dataSourceId: string;
  /** The record's `id`, as a string; a record without one gets a mock id and is never replaced. */
  recordId: string;
  /** The record as last written. */
  record: Record<string, unknown>;
  /** Which operation wrote it last. */
  via: 'bulk_create_data_source_records' | 'create_data_source_record';
  /** How many times it was written (1 for a record never written again). */
  writes: number;
  /** ISO 8601 time of the first and the last write (mock clock). */
  created: string;
  updated: string;
}
