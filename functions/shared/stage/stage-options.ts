// What an SQS stage is built from (the per-record stage's StageOptions, the batch stage's BatchStageOptions and
// the outcomes it takes back), and the parts both runners build from the options alike: the DLQ, the redrive
// context, and the renewal of claim-checked bodies for a message lifetime that starts now.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSRecord } from 'aws-lambda';
import { FAILED_ATTEMPTS_ATTRIBUTE } from './attempts.ts';
import { renewClaimCheck, type ClaimCheckReader, type ClaimCheckWriter } from './claim-check.ts';
import type { DeadLetterV1 } from './contracts.ts';
import type { DeferredError, PermanentError } from './errors.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { correlationOf } from './record-decoding.ts';
import type { RedriveContext } from './redriven-letter.ts';
import { createSqsQueue, type MessageQueue } from './sqs-queue.ts';
import type * as z from '../zod.ts';

export interface StageOptions<T> {
  stage: DeadLetterV1['stage'];
  schema: z.ZodMiniType<T>;
  sqs: SQSClient;
  queueUrl: string;
  dlqUrl: string;
  logger: Logger;
  metrics: Metrics;
  /**
   * The queue's redrive maxReceiveCount (MAX_RECEIVE_COUNT). The stage dead-letters a message itself, with the
   * reason, when its failed attempts reach it; without it, SQS's redrive does (without a reason).
   */
  maxReceiveCount?: number;
  /** Loads the bodies of claim checks (ClaimCheckV1) before the contract is checked. */
  claimCheckReader?: ClaimCheckReader;
  /** Stores dead letters larger than the DLQ takes (maxMessageBytes, MAX_MESSAGE_BYTES). */
  claimCheck?: ClaimCheckWriter;
  maxMessageBytes?: number;
  now?: () => number;
  /**
   * Time kept back at the end of the invocation for the retry bookkeeping and the answer (default: 2 s, or a
   * tenth of the time the invocation starts with when that is less). A record still running when only this much
   * is left is aborted (its `signal`) and retried as `out_of_time`; one that would start with less left is not
   * started and retried the same way. So a slow record is one batch item failure, never a timed-out invocation
   * that retries (and counts a failure against) the whole batch.
   */
  deadlineMarginMs?: number;
  /**
   * Asked about a body that fails the contract: a DeferredError (a CountedDeferral, so that it ends) when the body
   * is a kind the stage does not know yet — sent by a newer producer during a deploy — rather than an invalid one.
   */
  deferUnknown?: (value: unknown) => DeferredError | undefined;
  /**
   * Asked before a record's body is loaded (a claim check's size is known then): may throw a DeferredError to
   * defer it while the records in flight hold too much; what it returns is called once the record is done.
   */
  admit?: (record: SQSRecord) => Promise<() => void>;
  /** `signal` aborts when the invocation runs out of time; `context` tells the time left (e.g. for pacing). */
  process: (
    message: T,
    log: Logger,
    record: SQSRecord,
    signal: AbortSignal,
    context: Context,
  ) => Promise<void>;
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
  /** Delay before a retry without Retry-After, by failed attempts; default backoffSeconds. */
  backoff?: (attempts: number) => number;
  /**
   * The queue a record came from and its DLQ, for a stage that consumes several queues (deliver: one per family,
   * deliver-queues.ts): its retry delay, deferred copy and dead letter go there. Default: `queueUrl` and `dlqUrl`.
   */
  queuePairOf?: (record: SQSRecord) => { queueUrl: string; dlqUrl: string };
  /** Gets every message that met its contract; returns an outcome per message id (a missing one is retried). */
  processBatch: (records: ParsedRecord<T>[], context: Context) => Promise<Map<string, RecordOutcome>>;
}

/**
 * The stage's DLQ (or `dlqUrl`, another queue's of the stage): dead letters larger than it takes leave as claim
 * checks when the stage has a writer.
 */
export function deadLetterQueueOf<T>(
  options: StageOptions<T> | BatchStageOptions<T>,
  dlqUrl = options.dlqUrl,
): MessageQueue {
  return createSqsQueue(options.sqs, dlqUrl, {
    ...(options.claimCheck && { claimCheck: options.claimCheck }),
    ...(options.maxMessageBytes !== undefined && { maxMessageBytes: options.maxMessageBytes }),
  });
}

/** How a dead letter redriven to this stage's queue is opened (record-decoding.ts, openRecord). */
export function redriveContextOf<T>(options: StageOptions<T> | BatchStageOptions<T>): RedriveContext {
  return {
    stage: options.stage,
    claimCheckReader: options.claimCheckReader,
    forgetAttributes: [FAILED_ATTEMPTS_ATTRIBUTE],
  };
}

/**
 * The record with its claim-checked body stored again, for a message lifetime that starts now (a deferral's
 * copy, a dead letter): the payload bucket expires objects by age, so the body must be as new as the message
 * (claim-check.ts, renewClaimCheck). Without a claim check, the record as it is.
 */
export function claimCheckRenewer<T>(options: StageOptions<T> | BatchStageOptions<T>) {
  const { claimCheckReader: reader, claimCheck: writer } = options;
  return async (record: SQSRecord): Promise<SQSRecord> => {
    if (!reader || !writer) return record;
    const body = await renewClaimCheck(record.body, correlationOf(record), { reader, writer });
    return body === record.body ? record : { ...record, body };
  };
}
