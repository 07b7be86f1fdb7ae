// How Lambda reads a handler's answer under ReportBatchItemFailures: which records count as processed (and are
// deleted) and when the answer makes the whole batch count as failed.
import type { SQSRecord } from 'aws-lambda';
import { isPlainObject } from '../../functions/shared/json/is-plain-object.ts';

export type BatchOutcome =
  | { kind: 'processed'; succeeded: SQSRecord[]; failed: SQSRecord[] }
  | { kind: 'batch-failed'; reason: string };

/**
 * Lambda's rules: no answer, an empty object, or a null or empty `batchItemFailures` mean every record succeeded;
 * an answer that is not an object, or an entry whose `itemIdentifier` is missing, empty, not a string or not a
 * message id of this batch, makes the whole batch fail (nothing is deleted).
 */
export function readBatchResponse(records: readonly SQSRecord[], response: unknown): BatchOutcome {
  if (response === undefined || response === null)
    return { kind: 'processed', succeeded: [...records], failed: [] };
  if (!isPlainObject(response))
    return { kind: 'batch-failed', reason: 'the handler returned a non-object response' };
  const failures = response.batchItemFailures;
  if (failures === undefined || failures === null) {
    return { kind: 'processed', succeeded: [...records], failed: [] };
  }
  if (!Array.isArray(failures)) return { kind: 'batch-failed', reason: 'batchItemFailures is not a list' };

  const inBatch = new Set(records.map((r) => r.messageId));
  const failedIds = new Set<string>();
  for (const failure of failures as unknown[]) {
    const id = isPlainObject(failure) ? failure.itemIdentifier : undefined;
    if (typeof id !== 'string' || id === '') {
      return { kind: 'batch-failed', reason: 'a batchItemFailures entry has no itemIdentifier' };
    }
    if (!inBatch.has(id)) {
      return { kind: 'batch-failed', reason: `itemIdentifier ${id} is not a message of this batch` };
    }
    failedIds.add(id);
  }
  return {
    kind: 'processed',
    succeeded: records.filter((r) => !failedIds.has(r.messageId)),
    failed: records.filter((r) => failedIds.has(r.messageId)),
  };
}
