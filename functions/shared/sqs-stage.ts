// Runs one SQS-triggered stage over a batch with partial batch responses (Powertools Batch):
//   - a message that fails its contract, or a PermanentError, goes to the stage's DLQ at once with the
//     reason, and counts as handled (so the queue deletes it);
//   - a RetryableError (or any unexpected error) leaves the message on the queue, made visible again
//     after Retry-After or an exponential backoff, until SQS's redrive moves it after maxReceiveCount.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import type { DeadLetterV1 } from './contracts.ts';
import { PermanentError, RetryableError } from './errors.ts';
import type { Logger } from './logger.ts';
import { MetricUnit, type Metrics } from './metrics.ts';
import { createSqsQueue, delayRetry } from './sqs-queue.ts';

export interface StageOptions<T> {
  stage: DeadLetterV1['stage'];
  schema: z.ZodType<T>;
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

export function createSqsStage<T>(options: StageOptions<T>) {
  const { stage, schema, sqs, queueUrl, logger, metrics } = options;
  const now = options.now ?? Date.now;
  const dlq = createSqsQueue(sqs, options.dlqUrl);

  async function deadLetter(record: SQSRecord, error: PermanentError, log: Logger) {
    const letter: DeadLetterV1 = {
      type: 'dead-letter',
      version: 1,
      stage,
      reason: error.reason,
      detail: error.detail ?? error.message,
      failed_at: new Date(now()).toISOString(),
      original: record.body,
    };
    await dlq.send({ body: JSON.stringify(letter), correlationId: correlationOf(record) });
    log.warn('sent to DLQ', { outcome: 'dead_lettered', reason: error.reason, detail: error.message });
    metrics.addMetric(`dead_lettered`, MetricUnit.Count, 1);
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
      const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
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
