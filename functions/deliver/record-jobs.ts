// Packs a batch's custom-object records into Klaviyo record jobs, as full as Klaviyo allows: Bulk Create Data
// Source Records takes one data source a job, at most 500 records and 4 MB, and each record at most 512 KB.
// Its budget (3/s, 15/m) is the tightest the relay has, so every job that goes is filled first, and a job is
// worth its budget only from RECORDS_BULK_THRESHOLD records on: fewer go one by one through Create Data Source
// Record (75/s, 750/m), as does a record alone (ADR 0034).
//   - records are grouped by data source, keeping first-seen order, and cut at 500 records or the byte budget;
//   - a record over 512 KB is not sent at all (the lane dead-letters it);
//   - an exact repeat (same data source, record id and record: an SQS redelivery) is not sent but follows the
//     outcome of the copy that is; a different record under the same id goes into a later job, never beside it.
// Each job remembers which message sits at which row, so that an error pointer from Klaviyo names the message.
import { MAX_RECORD_BYTES, type KlaviyoRecordV1 } from '../shared/stage/contracts.ts';
import { RECORD_PATHS, bulkCreateRecordsBody, createRecordBody, recordBytes } from './record-requests.ts';

export const RECORDS_MAX_PER_JOB = 500;
/**
 * A bulk job spends 1/15 of its endpoint's minute budget; n single records spend n/750 of theirs. From 50 records
 * (750 / 15) on, the job is the cheaper use of Klaviyo's budget; below, the records go one by one.
 */
export const RECORDS_BULK_THRESHOLD = 50;
/** Klaviyo's 4 MB, less a margin for the envelope and for counting MB as 10^6 bytes. */
export const RECORDS_MAX_JOB_BYTES = 3_900_000;
/** What a record's resource adds around the record itself (type, attributes, a comma). */
const RESOURCE_OVERHEAD = 64;

export interface RecordItem {
  /** The SQS message id the record came from. */
  id: string;
  message: KlaviyoRecordV1;
}

export interface RecordJob {
  path: (typeof RECORD_PATHS)[keyof typeof RECORD_PATHS];
  body: ReturnType<typeof bulkCreateRecordsBody> | ReturnType<typeof createRecordBody>;
  /** The items behind the rows, in row order. */
  items: RecordItem[];
}

export interface RecordPlan {
  jobs: RecordJob[];
  /** Records over Klaviyo's 512 KB, with their size. */
  tooLarge: { item: RecordItem; bytes: number }[];
  /** Exact repeats left out: repeat id → id of the copy that is sent. */
  followers: Map<string, string>;
}

/** One job of these items, which share a data source: the single operation when a record waits alone. */
export function toRecordJob(items: readonly RecordItem[]): RecordJob {
  const [first, ...rest] = items;
  if (!first) throw new Error('a record job needs at least one record');
  if (rest.length === 0)
    return { path: RECORD_PATHS.createRecord, body: createRecordBody(first.message), items: [first] };
  return {
    path: RECORD_PATHS.bulkCreateRecords,
    body: bulkCreateRecordsBody(
      first.message.data_source_id,
      items.map((item) => item.message),
    ),
    items: [...items],
  };
}

interface OpenJob {
  dataSourceId: string;
  items: RecordItem[];
  recordIds: Set<string>;
  bytes: number;
}

export function planRecordJobs(
  items: readonly RecordItem[],
  limits: { perJob?: number; jobBytes?: number; bulkThreshold?: number } = {},
): RecordPlan {
  const perJob = limits.perJob ?? RECORDS_MAX_PER_JOB;
  const bulkThreshold = limits.bulkThreshold ?? RECORDS_BULK_THRESHOLD;
  const jobBytes = limits.jobBytes ?? RECORDS_MAX_JOB_BYTES;
  const followers = new Map<string, string>();
  const firstCopy = new Map<string, string>();
  const tooLarge: RecordPlan['tooLarge'] = [];
  const open: OpenJob[] = [];

  for (const item of items) {
    const { message } = item;
    const bytes = recordBytes(message);
    if (bytes > MAX_RECORD_BYTES) {
      tooLarge.push({ item, bytes });
      continue;
    }
    const copyKey = JSON.stringify([message.data_source_id, message.record_id, message.record]);
    const leader = firstCopy.get(copyKey);
    if (leader !== undefined) {
      followers.set(item.id, leader);
      continue;
    }
    firstCopy.set(copyKey, item.id);
    const size = bytes + RESOURCE_OVERHEAD;
    // First fit: the earliest job of the data source with room that does not yet hold this record id.
    let target = open.find(
      (job) =>
        job.dataSourceId === message.data_source_id &&
        !job.recordIds.has(message.record_id) &&
        job.items.length < perJob &&
        job.bytes + size <= jobBytes,
    );
    if (!target) {
      target = { dataSourceId: message.data_source_id, items: [], recordIds: new Set(), bytes: 0 };
      open.push(target);
    }
    target.items.push(item);
    target.recordIds.add(message.record_id);
    target.bytes += size;
  }
  const jobs = open.flatMap((job) =>
    job.items.length >= bulkThreshold ? [toRecordJob(job.items)] : job.items.map((i) => toRecordJob([i])),
  );
  return { jobs, tooLarge, followers };
}

const ROW_POINTER = /^\/data\/attributes\/data-source-records\/data\/(\d+)(?:\/|$)/;

/**
 * The item an error pointer names: a bulk job's row (`/data/attributes/data-source-records/data/{i}/…`), or the
 * single operation's one record (`/data/attributes/data-source-record/…`). Undefined when it names no record.
 */
export function itemAtPointer(job: RecordJob, pointer: string | undefined): RecordItem | undefined {
  if (pointer === undefined) return undefined;
  if (job.path === RECORD_PATHS.createRecord)
    return pointer.startsWith('/data/attributes/data-source-record/') ||
      pointer === '/data/attributes/data-source-record'
      ? job.items[0]
      : undefined;
  const match = ROW_POINTER.exec(pointer);
  return match ? job.items[Number(match[1])] : undefined;
}
