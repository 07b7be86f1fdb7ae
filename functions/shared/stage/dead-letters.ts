// The dead letters a stage writes: a message that fails its contract, a PermanentError, or a failure on the last
// receive maxReceiveCount allows (reason `retries_exhausted`, the last error kept) goes to the stage's DLQ with
// the reason, the attempts and the original body; each is logged and counted, in total and by reason
// (docs/adr/0012-deferral-and-dead-letters.md).
import type { SQSRecord } from 'aws-lambda';
import { failedAttemptsOf, receiveCountOf } from './attempts.ts';
import type { DeadLetterV1 } from './contracts.ts';
import { PermanentError, RetryableError } from './errors.ts';
import type { Logger } from '../logger.ts';
import { MetricUnit, type Metrics } from '../metrics.ts';

/** The reason of a dead letter whose receives ran out; `last_error` says what failed. */
export const EXHAUSTED_REASON = 'retries_exhausted';

/** The PermanentError a message gets when its receives ran out: reason retries_exhausted, the last error kept. */
export function exhausted(error: Error): PermanentError {
  return new PermanentError(`gave up after the last allowed receive: ${error.message}`, EXHAUSTED_REASON, {
    last_error: lastErrorOf(error),
  });
}

function lastErrorOf(error: Error): { reason: string; message: string } {
  return {
    reason: error instanceof RetryableError ? error.reason : 'unexpected_error',
    message: error.message,
  };
}

/** `dead_lettered` in total (for the DLQ alarm) and per reason (a `reason` dimension, for the dashboard). */
export function countDeadLetters(metrics: Metrics, reason: string, count: number): void {
  metrics.addMetric('dead_lettered', MetricUnit.Count, count);
  const byReason = metrics.singleMetric();
  byReason.addDimension('reason', reason);
  byReason.addMetric('dead_lettered_by_reason', MetricUnit.Count, count);
}

export function deadLetterOf(
  stage: DeadLetterV1['stage'],
  record: SQSRecord,
  error: PermanentError,
  now: number,
): DeadLetterV1 {
  const lastError = error.reason === EXHAUSTED_REASON ? (error.detail as ExhaustedDetail) : undefined;
  return {
    type: 'dead-letter',
    version: 1,
    stage,
    reason: error.reason,
    detail: lastError ? error.message : (error.detail ?? error.message),
    failed_at: new Date(now).toISOString(),
    attempts: failedAttemptsOf(record),
    ...(lastError && { last_error: lastError.last_error }),
    original: record.body,
  };
}

type ExhaustedDetail = { last_error: { reason: string; message: string } };

/** What the 'sent to DLQ' log line says. */
export function deadLetterLog(record: SQSRecord, error: PermanentError) {
  const lastError = error.reason === EXHAUSTED_REASON ? (error.detail as ExhaustedDetail) : undefined;
  return {
    outcome: 'dead_lettered',
    reason: error.reason,
    detail: error.message,
    attempts: failedAttemptsOf(record),
    receive_count: receiveCountOf(record),
    ...(lastError && { last_error_reason: lastError.last_error.reason }),
  };
}

/**
 * The record a dead letter is written for, its claim-checked body renewed; if that fails, the record as it is:
 * a letter naming an older object is better than no letter (logged, counted).
 */
export async function forLetter(
  renew: (record: SQSRecord) => Promise<SQSRecord>,
  record: SQSRecord,
  log: Logger,
  metrics: Metrics,
): Promise<SQSRecord> {
  try {
    return await renew(record);
  } catch (error) {
    log.error('could not store the claim-checked body again; the dead letter names the object it had', {
      error: error as Error,
    });
    metrics.addMetric('claim_check_renew_failed', MetricUnit.Count, 1);
    return record;
  }
}
