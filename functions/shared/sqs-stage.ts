// Runs one SQS-triggered stage over a batch with partial batch responses:
//   - a message that fails its contract, or a PermanentError, goes to the stage's DLQ at once with the
//     reason, and counts as handled (so the queue deletes it);
//   - a RetryableError (or any unexpected error) leaves the message on the queue, made visible again
//     after Retry-After or an exponential backoff, until SQS's redrive moves it after maxReceiveCount.
// Two modes: createSqsStage hands records one at a time to the use case (Powertools Batch runs them);
// createSqsBatchStage hands the whole batch over at once, for use cases that combine messages into one
// request (Klaviyo's bulk endpoint), and takes back an outcome per message.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { DeadLetterV1 } from './contracts.ts';
import { PermanentError, RetryableError } from './errors.ts';
import type { Logger } from './logger.ts';
import { encodeMessageBody } from './message-body.ts';
import { MetricUnit, type Metrics } from './metrics.ts';
import { createSqsQueue, delayRetry } from './sqs-queue.ts';
import type * as z from './zod.ts';

export interface StageOptions<T> {
  stage: DeadLetterV1['stage'];
  schema: z.ZodMiniType<T>;
  sqs: SQSClient;
  queueUrl: string;
  dlqUrl: string;
  logger: Logger;
  metrics: Metrics;
  now?: () => number;
  process: (message: T, log: Logger, record: SQSRecord) => Promise<void>;
}

/** 10 s, 20 s, 40 s … capped at 15 minutes, with up to 20% jitter so retries do not arrive together. */
export function backoffSeconds(receiveCount: number, random: () => number = Math.random): number {
  const base = Math.min(900, 10 * 2 ** Math.max(0, receiveCount - 1));
  return Math.ceil(base * (1 + 0.2 * random()));
}

function correlationOf(record: SQSRecord): string {
  return record.messageAttributes.correlation_id?.stringValue ?? record.messageId;
}

function receiveCountOf(record: SQSRecord): number {
  return Number(record.attributes.ApproximateReceiveCount) || 1;
}

/** `dead_lettered` in total (for the DLQ alarm) and per reason (a `reason` dimension, for the dashboard). */
function countDeadLetters(metrics: Metrics, reason: string, count: number): void {
  metrics.addMetric('dead_lettered', MetricUnit.Count, count);
  const byReason = metrics.singleMetric();
  byReason.addDimension('reason', reason);
  byReason.addMetric('dead_lettered_by_reason', MetricUnit.Count, count);
}

function deadLetterOf(
  stage: DeadLetterV1['stage'],
  record: SQSRecord,
  error: PermanentError,
  now: number,
): DeadLetterV1 {
  return {
    type: 'dead-letter',
    version: 1,
    stage,
    reason: error.reason,
    detail: error.detail ?? error.message,
    failed_at: new Date(now).toISOString(),
    original: record.body,
  };
}

export function createSqsStage<T>(options: StageOptions<T>) {
  const { stage, schema, sqs, queueUrl, logger, metrics } = options;
  const now = options.now ?? Date.now;
  const dlq = createSqsQueue(sqs, options.dlqUrl);

  async function deadLetter(record: SQSRecord, error: PermanentError, log: Logger) {
    const letter = deadLetterOf(stage, record, error, now());
    await dlq.send({ body: encodeMessageBody(letter), correlationId: correlationOf(record) });
    log.warn('sent to DLQ', { outcome: 'dead_lettered', reason: error.reason, detail: error.message });
    countDeadLetters(metrics, error.reason, 1);
  }

  async function handleRecord(record: SQSRecord): Promise<void> {
    const log = logger.createChild({ persistentKeys: { correlation_id: correlationOf(record) } });
    try {
      let message: T;
      try {
        message = schema.parse(JSON.parse(record.body));
      } catch (error) {
        throw new PermanentError('message does not match its contract', 'contract_violation', String(error));
      }
      await options.process(message, log, record);
    } catch (error) {
      if (error instanceof PermanentError) return deadLetter(record, error, log);
      const receiveCount = receiveCountOf(record);
      const retryable = error instanceof RetryableError ? error : undefined;
      const delay = retryable?.retryAfterSeconds ?? backoffSeconds(receiveCount);
      log.warn('will retry', {
        outcome: 'retry',
        reason: retryable?.reason ?? 'unexpected_error',
        receive_count: receiveCount,
        delay_seconds: delay,
        error: error as Error,
      });
      metrics.addMetric('retried', MetricUnit.Count, 1);
      await delayRetry(sqs, queueUrl, record.receiptHandle, delay).catch((e: unknown) =>
        log.error('could not delay the retry; the visibility timeout applies', { error: e as Error }),
      );
      throw error;
    }
  }

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), {
      context,
      throwOnFullBatchFailure: false,
    });
}

/** What became of one message of a batch. */
export type RecordOutcome =
  { kind: 'done' } | { kind: 'retry'; error: Error } | { kind: 'dead-letter'; error: PermanentError };

export interface ParsedRecord<T> {
  /** The SQS message id: the key of the outcome. */
  id: string;
  message: T;
  record: SQSRecord;
  log: Logger;
}

export interface BatchStageOptions<T> extends Omit<StageOptions<T>, 'process'> {
  /** Delay before a retry without Retry-After, by receive count; default backoffSeconds. */
  backoff?: (receiveCount: number) => number;
  /** Gets every message that met its contract; returns an outcome per message id (a missing one is retried). */
  processBatch: (records: ParsedRecord<T>[], context: Context) => Promise<Map<string, RecordOutcome>>;
}

/** SQS takes at most 10 entries per batch call. */
const SQS_BATCH = 10;

export function createSqsBatchStage<T>(options: BatchStageOptions<T>) {
  const { stage, schema, sqs, queueUrl, logger, metrics } = options;
  const now = options.now ?? Date.now;
  const dlq = createSqsQueue(sqs, options.dlqUrl);
  const backoff = options.backoff ?? ((receiveCount: number) => backoffSeconds(receiveCount));

  /** Sends the dead letters; returns the ids whose letter could not be sent (they stay on the queue). */
  async function deadLetterAll(
    letters: { record: SQSRecord; error: PermanentError; log: Logger }[],
  ): Promise<Set<string>> {
    if (letters.length === 0) return new Set();
    const { failedIds, reasons } = await dlq.sendBatch(
      letters.map(({ record, error }) => ({
        id: record.messageId,
        body: encodeMessageBody(deadLetterOf(stage, record, error, now())),
        correlationId: correlationOf(record),
      })),
    );
    const failed = new Set(failedIds);
    const byReason = new Map<string, number>();
    for (const { record, error, log } of letters) {
      if (failed.has(record.messageId)) {
        log.error('could not send to the DLQ; the message stays on the queue', { reasons });
        continue;
      }
      log.warn('sent to DLQ', { outcome: 'dead_lettered', reason: error.reason, detail: error.message });
      byReason.set(error.reason, (byReason.get(error.reason) ?? 0) + 1);
    }
    for (const [reason, count] of byReason) countDeadLetters(metrics, reason, count);
    return failed;
  }

  /** Hides each retried message for its delay (Retry-After, else backoff) with batched visibility changes. */
  async function delayAll(retries: { record: SQSRecord; error: Error; log: Logger }[]): Promise<void> {
    const entries = retries.map(({ record, error, log }) => {
      const receiveCount = receiveCountOf(record);
      const retryable = error instanceof RetryableError ? error : undefined;
      const delay = retryable?.retryAfterSeconds ?? backoff(receiveCount);
      log.warn('will retry', {
        outcome: 'retry',
        reason: retryable?.reason ?? 'unexpected_error',
        receive_count: receiveCount,
        delay_seconds: delay,
        error,
      });
      return { record, delay, log };
    });
    if (entries.length > 0) metrics.addMetric('retried', MetricUnit.Count, entries.length);
    for (let start = 0; start < entries.length; start += SQS_BATCH) {
      const chunk = entries.slice(start, start + SQS_BATCH);
      try {
        const out = await sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map(({ record, delay }, i) => ({
              Id: String(i),
              ReceiptHandle: record.receiptHandle,
              VisibilityTimeout: Math.min(43_200, Math.max(0, Math.ceil(delay))),
            })),
          }),
        );
        for (const failure of out.Failed ?? [])
          chunk[Number(failure.Id)]?.log.error('could not delay the retry; the visibility timeout applies', {
            code: failure.Code,
          });
      } catch (error) {
        logger.error('could not delay the retries; the visibility timeout applies', {
          error: error as Error,
        });
      }
    }
  }

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const parsed: ParsedRecord<T>[] = [];
    const letters: { record: SQSRecord; error: PermanentError; log: Logger }[] = [];
    const retries: { record: SQSRecord; error: Error; log: Logger }[] = [];
    for (const record of event.Records) {
      const log = logger.createChild({ persistentKeys: { correlation_id: correlationOf(record) } });
      try {
        parsed.push({ id: record.messageId, message: schema.parse(JSON.parse(record.body)), record, log });
      } catch (error) {
        letters.push({
          record,
          log,
          error: new PermanentError(
            'message does not match its contract',
            'contract_violation',
            String(error),
          ),
        });
      }
    }

    let outcomes: Map<string, RecordOutcome>;
    try {
      outcomes =
        parsed.length > 0 ? await options.processBatch(parsed, context) : new Map<string, RecordOutcome>();
    } catch (error) {
      logger.error('the batch failed as a whole', { error: error as Error });
      const retry: RecordOutcome = { kind: 'retry', error: error as Error };
      outcomes = new Map(parsed.map((p) => [p.id, retry]));
    }
    for (const { id, record, log } of parsed) {
      const outcome = outcomes.get(id) ?? {
        kind: 'retry',
        error: new RetryableError('no outcome for this message', 'no_outcome'),
      };
      if (outcome.kind === 'dead-letter') letters.push({ record, error: outcome.error, log });
      else if (outcome.kind === 'retry') retries.push({ record, error: outcome.error, log });
    }

    const unsent = await deadLetterAll(letters);
    await delayAll(retries);
    const failures = [...retries.map((r) => r.record.messageId), ...unsent];
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
