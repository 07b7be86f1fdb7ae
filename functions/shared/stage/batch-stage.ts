// Runs one SQS-triggered stage by handing the whole batch over at once, for use cases that combine messages
// into one request (Klaviyo's bulk endpoint), and takes back an outcome per message (RecordOutcome). The rules
// are the per-record stage's (record-stage.ts): dead letters with the reason (dead-letters.ts), deferrals re-sent
// to the stage's own queue, retries after Retry-After or the backoff (attempts.ts, planRetry), the stage's own
// `retries_exhausted` letter on the last allowed receive; here each is done for all messages together, in
// batched calls, and what could not be done is a batch item failure. A stage that consumes several queues
// (queuePairOf) does each on the queue pair the record came from.
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { deferredCopy, lastAllowed, planRetry } from './attempts.ts';
import { countDeadLetters, deadLetterLog, deadLetterOf, exhausted, forLetter } from './dead-letters.ts';
import { CountedDeferral, DeferredError, PermanentError, RetryableError } from './errors.ts';
import type { Logger } from '../logger.ts';
import { encodeMessageBody } from './message-body.ts';
import { MetricUnit } from '../metrics.ts';
import { delayRetries, sendDelayed } from './own-queue.ts';
import { correlationOf, decodeRecord, openRecord } from './record-decoding.ts';
import type { MessageQueue, UnsentMessages } from './sqs-queue.ts';
import {
  claimCheckRenewer,
  deadLetterQueueOf,
  redriveContextOf,
  type BatchStageOptions,
  type ParsedRecord,
  type RecordOutcome,
} from './stage-options.ts';

export function createSqsBatchStage<T>(options: BatchStageOptions<T>) {
  const { stage, schema, sqs, logger, metrics } = options;
  const now = options.now ?? Date.now;
  const pairOf = options.queuePairOf ?? (() => ({ queueUrl: options.queueUrl, dlqUrl: options.dlqUrl }));
  const dlqs = new Map<string, MessageQueue>();
  const dlqOf = (url: string) => {
    const dlq = dlqs.get(url) ?? deadLetterQueueOf(options, url);
    dlqs.set(url, dlq);
    return dlq;
  };
  const redrive = redriveContextOf(options);
  const renew = claimCheckRenewer(options);

  /** Sends the dead letters; returns the ids whose letter could not be sent (they stay on the queue). */
  async function deadLetterAll(
    letters: { record: SQSRecord; error: PermanentError; log: Logger }[],
  ): Promise<Set<string>> {
    if (letters.length === 0) return new Set();
    const renewed = await Promise.all(
      letters.map(({ record, log }) => forLetter(renew, record, log, metrics)),
    );
    const entries = letters.map(({ record, error }, i) => ({
      id: record.messageId,
      body: encodeMessageBody(deadLetterOf(stage, renewed[i] ?? record, error, now())),
      correlationId: correlationOf(record),
      dlqUrl: pairOf(record).dlqUrl,
    }));
    const { failedIds, reasons } = mergeUnsent(
      await Promise.all(
        [...groupBy(entries, (e) => e.dlqUrl)].map(([url, batch]) => dlqOf(url).sendBatch(batch)),
      ),
    );
    const failed = new Set(failedIds);
    const byReason = new Map<string, number>();
    for (const { record, error, log } of letters) {
      if (failed.has(record.messageId)) {
        log.error('could not send to the DLQ; the message stays on the queue', { reasons });
        continue;
      }
      log.warn('sent to DLQ', deadLetterLog(record, error));
      byReason.set(error.reason, (byReason.get(error.reason) ?? 0) + 1);
    }
    for (const [reason, count] of byReason) countDeadLetters(metrics, reason, count);
    return failed;
  }

  /** Re-sends the deferred messages with their delays; returns those whose re-send failed. */
  async function deferAll(
    deferrals: { record: SQSRecord; error: DeferredError; log: Logger }[],
  ): Promise<{ record: SQSRecord; error: Error; log: Logger }[]> {
    if (deferrals.length === 0) return [];
    // A body that cannot be stored again is not deferred: it waits on the queue as a retry instead.
    const unrenewed = new Set<string>();
    const renewed = await Promise.all(
      deferrals.map(({ record, log }) =>
        renew(record).catch((error: unknown) => {
          log.error('could not store the claim-checked body again; the message waits on the queue instead', {
            error: error as Error,
          });
          unrenewed.add(record.messageId);
          return undefined;
        }),
      ),
    );
    const copies = deferrals.flatMap(({ record, error }, i) => {
      const copyOf = renewed[i];
      const counted = error instanceof CountedDeferral;
      return copyOf
        ? [
            {
              id: record.messageId,
              queueUrl: pairOf(record).queueUrl,
              ...deferredCopy(copyOf, error.retryAfterSeconds ?? 1, counted),
            },
          ]
        : [];
    });
    const { failedIds, reasons } = mergeUnsent(
      await Promise.all(
        [...groupBy(copies, (c) => c.queueUrl)].map(([url, batch]) => sendDelayed(sqs, url, batch)),
      ),
    );
    const failed = new Set([...failedIds, ...unrenewed]);
    const delays = new Map(copies.map((c) => [c.id, c.delaySeconds]));
    for (const { record, log, error } of deferrals)
      if (unrenewed.has(record.messageId))
        continue; // logged above
      else if (failed.has(record.messageId))
        log.error('could not re-send the deferred message; it waits on the queue instead', { reasons });
      else
        log.debug('deferred', {
          outcome: 'deferred',
          reason: error.reason,
          delay_seconds: delays.get(record.messageId),
        });
    return deferrals.filter(({ record }) => failed.has(record.messageId));
  }

  /** Hides each retried message for its delay (Retry-After, else backoff) with batched visibility changes. */
  async function delayAll(retries: { record: SQSRecord; error: Error; log: Logger }[]): Promise<void> {
    const entries = retries.map(({ record, error, log }) => ({
      receiptHandle: record.receiptHandle,
      seconds: planRetry(record, error, log, options.backoff),
      log,
      queueUrl: pairOf(record).queueUrl,
    }));
    if (entries.length > 0) metrics.addMetric('retried', MetricUnit.Count, entries.length);
    // A receipt handle is the queue's it came from: each visibility change goes to that queue.
    const results = await Promise.all(
      [...groupBy(entries, (e) => e.queueUrl)].map(([url, batch]) => delayRetries(sqs, url, batch)),
    );
    for (const result of results.flat())
      if ('error' in result)
        logger.error('could not delay the retries; the visibility timeout applies', {
          error: result.error as Error,
        });
      else
        for (const { entry, code } of result.failed)
          entry.log.error('could not delay the retry; the visibility timeout applies', { code });
  }

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const parsed: ParsedRecord<T>[] = [];
    const letters: { record: SQSRecord; error: PermanentError; log: Logger }[] = [];
    const retries: { record: SQSRecord; error: Error; log: Logger }[] = [];
    const deferrals: { record: SQSRecord; error: DeferredError; log: Logger }[] = [];
    const decoded = await Promise.all(
      event.Records.map(async (received) => {
        const log = logger.createChild({ persistentKeys: { correlation_id: correlationOf(received) } });
        let record = received;
        try {
          record = await openRecord(received, redrive, log, metrics);
          const message = await decodeRecord(record, schema, options.claimCheckReader, options.deferUnknown);
          return { record, log, message };
        } catch (error) {
          return { record, log, error: error instanceof Error ? error : new Error(String(error)) };
        }
      }),
    );
    for (const item of decoded) {
      const { record, log } = item;
      if (!('error' in item)) parsed.push({ id: record.messageId, message: item.message, record, log });
      else if (item.error instanceof PermanentError) letters.push({ record, log, error: item.error });
      else if (item.error instanceof DeferredError && !(item.error instanceof CountedDeferral))
        deferrals.push({ record, log, error: item.error });
      else if (lastAllowed(record, options.maxReceiveCount))
        letters.push({ record, log, error: exhausted(item.error) });
      else if (item.error instanceof CountedDeferral) deferrals.push({ record, log, error: item.error });
      else retries.push({ record, log, error: item.error });
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
      else if (outcome.kind !== 'retry') continue;
      else if (outcome.error instanceof DeferredError) deferrals.push({ record, error: outcome.error, log });
      else if (lastAllowed(record, options.maxReceiveCount))
        letters.push({ record, error: exhausted(outcome.error), log });
      else retries.push({ record, error: outcome.error, log });
    }

    const unsent = await deadLetterAll(letters);
    retries.push(...(await deferAll(deferrals)));
    await delayAll(retries);
    const failures = [...retries.map((r) => r.record.messageId), ...unsent];
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

/** The items by key, in the order each key first appears. */
function groupBy<I>(items: readonly I[], keyOf: (item: I) => string): Map<string, I[]> {
  const groups = new Map<string, I[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function mergeUnsent(results: readonly UnsentMessages[]): UnsentMessages {
  return { failedIds: results.flatMap((r) => r.failedIds), reasons: results.flatMap((r) => r.reasons) };
}
