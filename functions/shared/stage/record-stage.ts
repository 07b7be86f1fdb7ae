// Runs one SQS-triggered stage over a batch, handing records one at a time to the use case (Powertools Batch
// runs them), with partial batch responses:
//   - a message that fails its contract, or a PermanentError, goes to the stage's DLQ at once with the
//     reason, and counts as handled (so the queue deletes it);
//   - a DeferredError (waiting for capacity, not a failure) re-sends the message to its own queue with the
//     delay (≤ 900 s) and the failures so far in the `relay_failed_attempts` attribute, and the original counts
//     as handled once the re-send succeeded (if it fails, the visibility change below applies instead);
//   - a deferral's copy and a dead letter start new message lifetimes: a claim-checked body is stored again for
//     them (claim-check.ts, renewClaimCheck), since the payload bucket expires objects by age;
//   - a RetryableError (or any unexpected error) leaves the message on the queue, made visible again
//     after Retry-After or an exponential backoff (attempts.ts, planRetry). When the failing receive is the last
//     one maxReceiveCount allows, the stage sends the message to the DLQ itself (reason `retries_exhausted`, the
//     last error, the attempts) and logs it, so SQS's redrive (which knows no reason) only acts when the stage
//     could not (dead-letters.ts, docs/adr/0012-deferral-and-dead-letters.md).
// Each record runs within the invocation's time left, less a margin (deadline.ts). batch-stage.ts hands the whole
// batch over at once instead, under the same rules.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { deferredCopy, lastAllowed, planRetry } from './attempts.ts';
import { countDeadLetters, deadLetterLog, deadLetterOf, exhausted, forLetter } from './dead-letters.ts';
import { deadlineMarginFor, runWithinDeadline } from './deadline.ts';
import { CountedDeferral, DeferredError, PermanentError } from './errors.ts';
import type { Logger } from '../logger.ts';
import { encodeMessageBody } from './message-body.ts';
import { MetricUnit } from '../metrics.ts';
import { delayRetry } from './own-queue.ts';
import { correlationOf, decodeRecord, openRecord } from './record-decoding.ts';
import {
  claimCheckRenewer,
  deadLetterQueueOf,
  redriveContextOf,
  type StageOptions,
} from './stage-options.ts';

export function createSqsStage<T>(options: StageOptions<T>) {
  const { stage, schema, sqs, queueUrl, logger, metrics } = options;
  const now = options.now ?? Date.now;
  const dlq = deadLetterQueueOf(options);
  const renew = claimCheckRenewer(options);

  async function deadLetter(record: SQSRecord, error: PermanentError, log: Logger) {
    const letter = deadLetterOf(stage, await forLetter(renew, record, log, metrics), error, now());
    await dlq.send({ body: encodeMessageBody(letter), correlationId: correlationOf(record) });
    log.warn('sent to DLQ', deadLetterLog(record, error));
    countDeadLetters(metrics, error.reason, 1);
  }

  /** Re-sends a deferred message; false when the re-send failed (then it is retried as a failure). */
  async function defer(record: SQSRecord, error: DeferredError, log: Logger): Promise<boolean> {
    try {
      const copy = deferredCopy(
        await renew(record),
        error.retryAfterSeconds ?? 1,
        error instanceof CountedDeferral,
      );
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: copy.body,
          DelaySeconds: copy.delaySeconds,
          MessageAttributes: copy.attributes,
        }),
      );
      log.debug('deferred', { outcome: 'deferred', reason: error.reason, delay_seconds: copy.delaySeconds });
      return true;
    } catch (e) {
      log.error('could not re-send the deferred message; it waits on the queue instead', {
        error: e as Error,
      });
      return false;
    }
  }

  const redrive = redriveContextOf(options);

  async function handleRecord(received: SQSRecord, context: Context, marginMs: number): Promise<void> {
    const log = logger.createChild({ persistentKeys: { correlation_id: correlationOf(received) } });
    // After a redrive, everything below (retries, deferrals, dead letters) concerns the original message.
    let record = received;
    let done: (() => void) | undefined;
    try {
      record = await openRecord(received, redrive, log, metrics);
      done = await options.admit?.(record);
      const message = await decodeRecord(record, schema, options.claimCheckReader, options.deferUnknown);
      await runWithinDeadline(context, marginMs, (signal) =>
        options.process(message, log, record, signal, context),
      );
    } catch (error) {
      if (error instanceof PermanentError) return deadLetter(record, error, log);
      // A counted deferral on the last receive allowed ends as a failure would.
      const counts = !(error instanceof DeferredError) || error instanceof CountedDeferral;
      const last = counts && lastAllowed(record, options.maxReceiveCount);
      if (error instanceof DeferredError && !last && (await defer(record, error, log))) return;
      if (last) {
        const failed = error instanceof Error ? error : new Error(String(error));
        try {
          return await deadLetter(record, exhausted(failed), log);
        } catch (e) {
          log.error('could not send to the DLQ; the message stays on the queue', { error: e as Error });
        }
      }
      const delay = planRetry(record, error, log);
      metrics.addMetric('retried', MetricUnit.Count, 1);
      await delayRetry(sqs, queueUrl, record.receiptHandle, delay).catch((e: unknown) =>
        log.error('could not delay the retry; the visibility timeout applies', { error: e as Error }),
      );
      throw error;
    } finally {
      done?.();
    }
  }

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const marginMs = deadlineMarginFor(context, options.deadlineMarginMs);
    return processPartialResponse(
      event,
      (record: SQSRecord) => handleRecord(record, context, marginMs),
      new BatchProcessor(EventType.SQS),
      { context, throwOnFullBatchFailure: false },
    );
  };
}
