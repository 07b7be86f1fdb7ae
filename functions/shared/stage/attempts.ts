// A message's failed attempts and the one retry plan both stage runners follow. Failed attempts = the earlier
// copies' (the `relay_failed_attempts` attribute a deferral carries over) + this copy's receive count; a retry
// waits Retry-After, else an exponential backoff by those attempts; when the failing receive is the last one
// maxReceiveCount allows, the stage dead-letters the message itself (dead-letters.ts,
// docs/adr/0012-deferral-and-dead-letters.md).
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { RetryableError } from './errors.ts';
import type { Logger } from '../logger.ts';
import type { DelayedMessage } from './own-queue.ts';

/** Message attribute carrying the failed attempts of the message's earlier copies (deferrals re-send it). */
export const FAILED_ATTEMPTS_ATTRIBUTE = 'relay_failed_attempts';
/** SQS's longest DelaySeconds. */
export const MAX_DELAY_SECONDS = 900;

/** 10 s, 20 s, 40 s … by failed attempt, capped at 15 minutes, with up to 20% jitter so retries do not arrive together. */
export function backoffSeconds(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(900, 10 * 2 ** Math.max(0, attempts - 1));
  return Math.ceil(base * (1 + 0.2 * random()));
}

export function receiveCountOf(record: SQSRecord): number {
  return Number(record.attributes.ApproximateReceiveCount) || 1;
}

function failedBeforeOf(record: SQSRecord): number {
  const value = Number(record.messageAttributes[FAILED_ATTEMPTS_ATTRIBUTE]?.stringValue);
  return Number.isInteger(value) && value > 0 ? value : 0;
}

/**
 * Failed attempts, counting this receive as one: the earlier copies' (attribute) plus this copy's receives. A
 * deferral ends a copy (the re-send starts a new one), so every earlier receive of this copy failed (or timed out).
 */
export function failedAttemptsOf(record: SQSRecord): number {
  return failedBeforeOf(record) + receiveCountOf(record);
}

/** Whether this failing receive is the last one the queue allows (so the stage must dead-letter it now). */
export function lastAllowed(record: SQSRecord, maxReceiveCount: number | undefined): boolean {
  return maxReceiveCount !== undefined && failedAttemptsOf(record) >= maxReceiveCount;
}

/**
 * The retry of a record that failed (not its last allowed receive): after the error's Retry-After, else after
 * `backoff` of its failed attempts; logged as 'will retry'. Returns the delay in seconds, for the caller to make
 * the message visible again after it.
 */
export function planRetry(
  record: SQSRecord,
  error: unknown,
  log: Logger,
  backoff: (attempts: number) => number = backoffSeconds,
): number {
  const receiveCount = receiveCountOf(record);
  const attempts = failedAttemptsOf(record);
  const retryable = error instanceof RetryableError ? error : undefined;
  const delay = retryable?.retryAfterSeconds ?? backoff(attempts);
  log.warn('will retry', {
    outcome: 'retry',
    reason: retryable?.reason ?? 'unexpected_error',
    receive_count: receiveCount,
    attempts,
    delay_seconds: delay,
    error: error as Error,
  });
  return delay;
}

/**
 * The copy of `record` that a deferral sends: same body and attributes, this copy's failures carried over (and this
 * receive counted as one more when `counted`: a CountedDeferral).
 */
export function deferredCopy(
  record: SQSRecord,
  delaySeconds: number,
  counted = false,
): Omit<DelayedMessage, 'id'> {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(record.messageAttributes)) {
    if (value.stringValue !== undefined)
      attributes[name] = { DataType: value.dataType, StringValue: value.stringValue };
    else if (value.binaryValue !== undefined)
      attributes[name] = { DataType: value.dataType, BinaryValue: Buffer.from(value.binaryValue, 'base64') };
  }
  attributes[FAILED_ATTEMPTS_ATTRIBUTE] = {
    DataType: 'Number',
    StringValue: String(failedBeforeOf(record) + receiveCountOf(record) - (counted ? 0 : 1)),
  };
  return {
    body: record.body,
    delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds))),
    attributes,
  };
}
