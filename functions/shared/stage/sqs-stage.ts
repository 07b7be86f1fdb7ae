// Runs one SQS-triggered stage over a batch with partial batch responses:
//   - a message that fails its contract, or a PermanentError, goes to the stage's DLQ at once with the
//     reason, and counts as handled (so the queue deletes it);
//   - a DeferredError (waiting for capacity, not a failure) re-sends the message to its own queue with the
//     delay (≤ 900 s) and the failures so far in the `relay_failed_attempts` attribute, and the original counts
//     as handled once the re-send succeeded (if it fails, the visibility change below applies instead);
//   - a deferral's copy and a dead letter start new message lifetimes: a claim-checked body is stored again for
//     them (claim-check.ts, renewClaimCheck), since the payload bucket expires objects by age;
//   - a RetryableError (or any unexpected error) leaves the message on the queue, made visible again
//     after Retry-After or an exponential backoff. Failed attempts = the attribute + this copy's receive count;
//     when the failing receive is the last one maxReceiveCount allows, the stage sends the message to the DLQ
//     itself (reason `retries_exhausted`, the last error, the attempts) and logs it, so SQS's redrive (which
//     knows no reason) only acts when the stage could not (docs/adr/0012-deferral-and-dead-letters.md).
// The per-record stage runs each record within the invocation's time left (less a margin): one still running
// then is aborted and retried (`out_of_time`) as a batch item failure, never a timed-out batch.
// Two modes: createSqsStage hands records one at a time to the use case (Powertools Batch runs them);
// createSqsBatchStage hands the whole batch over at once, for use cases that combine messages into one
// request (Klaviyo's bulk endpoint), and takes back an outcome per message.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import {
  ChangeMessageVisibilityBatchCommand,
  type MessageAttributeValue,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  claimCheckOf,
  renewClaimCheck,
  type ClaimCheckReader,
  type ClaimCheckWriter,
} from './claim-check.ts';
import type { DeadLetterV1 } from './contracts.ts';
import { DeferredError, PermanentError, RetryableError } from './errors.ts';
import type { Logger } from '../logger.ts';
import { parseJson } from '../json/text.ts';
import { encodeMessageBody } from './message-body.ts';
import { MetricUnit, type Metrics } from '../metrics.ts';
import { unwrapRedriven, type RedriveContext } from './redriven-letter.ts';
import { createSqsQueue, delayRetry, sendDelayed, type DelayedMessage } from './sqs-queue.ts';
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

/** Default time kept back at the end of an invocation of the per-record stage (at most a tenth of it). */
export const DEADLINE_MARGIN_MS = 2_000;

/** The time kept back at the end of this invocation: the override, else 2 s or a tenth of it if less. */
export const deadlineMarginFor = (context: Context, overrideMs?: number): number =>
  overrideMs ?? Math.min(DEADLINE_MARGIN_MS, Math.floor(context.getRemainingTimeInMillis() / 10));
/** The reason of a record the invocation's deadline stopped (or never started). */
export const OUT_OF_TIME_REASON = 'out_of_time';

/**
 * Runs `work` within the invocation's time left less `marginMs`: with nothing left it does not start; past the
 * deadline its signal is aborted. Either way a RetryableError (`out_of_time`) is thrown at once, whatever the
 * work still awaits, so the record becomes a batch item failure. (Not a deferral: that re-sends to the stage's
 * own queue, which hydrate's role may not do, and a record that never fits its invocation must reach the DLQ
 * with a reason rather than be deferred for ever.)
 */
export async function runWithinDeadline(
  context: Context,
  marginMs: number,
  work: (signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const leftMs = context.getRemainingTimeInMillis() - marginMs;
  if (leftMs <= 0)
    throw new RetryableError('no time left in this invocation to start the record', OUT_OF_TIME_REASON, 1);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new RetryableError(
        `did not finish within the invocation's time left (${leftMs} ms)`,
        OUT_OF_TIME_REASON,
      );
      controller.abort(error);
      reject(error);
    }, leftMs);
  });
  try {
    await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

const contractViolation = (error: unknown) =>
  new PermanentError('message does not match its contract', 'contract_violation', String(error));

/**
 * The message a record carries: its body, or the body its claim check names (loaded first), checked against the
 * stage's contract. A contract violation and a claim check that is gone are PermanentErrors; a claim check that
 * cannot be read now is a RetryableError.
 */
export async function decodeRecord<T>(
  record: SQSRecord,
  schema: z.ZodMiniType<T>,
  claimCheck: ClaimCheckReader | undefined,
): Promise<T> {
  let value: unknown;
  let reference: ReturnType<typeof claimCheckOf>;
  try {
    value = parseJson(record.body);
    reference = claimCheckOf(value);
  } catch (error) {
    throw contractViolation(error);
  }
  if (reference) {
    if (!claimCheck)
      throw new PermanentError('this stage cannot read claim checks', 'claim_check_unsupported', reference);
    const body = await claimCheck.load(reference);
    try {
      value = parseJson(body);
    } catch (error) {
      throw contractViolation(error);
    }
  }
  try {
    return schema.parse(value);
  } catch (error) {
    throw contractViolation(error);
  }
}

/**
 * The record to process: a dead letter redriven to this stage's queue by SQS becomes its original message
 * (redriven-letter.ts), logged and counted; any other record is itself.
 */
async function openRecord(
  received: SQSRecord,
  redrive: RedriveContext,
  log: Logger,
  metrics: Metrics,
): Promise<SQSRecord> {
  const { record, redriven } = await unwrapRedriven(received, redrive);
  if (redriven) {
    log.info('processing a redriven dead letter again', {
      outcome: 'redriven',
      letter_reason: redriven.reason,
      letter_failed_at: redriven.failed_at,
    });
    metrics.addMetric('redriven', MetricUnit.Count, 1);
  }
  return record;
}

function redriveContextOf<T>(options: StageOptions<T> | BatchStageOptions<T>): RedriveContext {
  return {
    stage: options.stage,
    claimCheckReader: options.claimCheckReader,
    forgetAttributes: [FAILED_ATTEMPTS_ATTRIBUTE],
  };
}

function dlqOptions<T>(options: StageOptions<T> | BatchStageOptions<T>) {
  return {
    ...(options.claimCheck && { claimCheck: options.claimCheck }),
    ...(options.maxMessageBytes !== undefined && { maxMessageBytes: options.maxMessageBytes }),
  };
}

/**
 * The record with its claim-checked body stored again, for a message lifetime that starts now (a deferral's
 * copy, a dead letter): the payload bucket expires objects by age, so the body must be as new as the message
 * (claim-check.ts, renewClaimCheck). Without a claim check, the record as it is.
 */
function claimCheckRenewer<T>(options: StageOptions<T> | BatchStageOptions<T>) {
  const { claimCheckReader: reader, claimCheck: writer } = options;
  return async (record: SQSRecord): Promise<SQSRecord> => {
    if (!reader || !writer) return record;
    const body = await renewClaimCheck(record.body, correlationOf(record), { reader, writer });
    return body === record.body ? record : { ...record, body };
  };
}

/**
 * The record a dead letter is written for, its claim-checked body renewed; if that fails, the record as it is:
 * a letter naming an older object is better than no letter (logged, counted).
 */
async function forLetter(
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

/** 10 s, 20 s, 40 s … by failed attempt, capped at 15 minutes, with up to 20% jitter so retries do not arrive together. */
export function backoffSeconds(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(900, 10 * 2 ** Math.max(0, attempts - 1));
  return Math.ceil(base * (1 + 0.2 * random()));
}

function correlationOf(record: SQSRecord): string {
  return record.messageAttributes.correlation_id?.stringValue ?? record.messageId;
}

function receiveCountOf(record: SQSRecord): number {
  return Number(record.attributes.ApproximateReceiveCount) || 1;
}

/** Message attribute carrying the failed attempts of the message's earlier copies (deferrals re-send it). */
export const FAILED_ATTEMPTS_ATTRIBUTE = 'relay_failed_attempts';
/** The reason of a dead letter whose receives ran out; `last_error` says what failed. */
export const EXHAUSTED_REASON = 'retries_exhausted';
/** SQS's longest DelaySeconds. */
export const MAX_DELAY_SECONDS = 900;

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

/** The copy of `record` that a deferral sends: same body and attributes, this copy's failures carried over. */
function deferredCopy(record: SQSRecord, delaySeconds: number): Omit<DelayedMessage, 'id'> {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(record.messageAttributes)) {
    if (value.stringValue !== undefined)
      attributes[name] = { DataType: value.dataType, StringValue: value.stringValue };
    else if (value.binaryValue !== undefined)
      attributes[name] = { DataType: value.dataType, BinaryValue: Buffer.from(value.binaryValue, 'base64') };
  }
  attributes[FAILED_ATTEMPTS_ATTRIBUTE] = {
    DataType: 'Number',
    StringValue: String(failedBeforeOf(record) + receiveCountOf(record) - 1),
  };
  return {
    body: record.body,
    delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds))),
    attributes,
  };
}

/** Whether this failing receive is the last one the queue allows (so the stage must dead-letter it now). */
function lastAllowed(record: SQSRecord, maxReceiveCount: number | undefined): boolean {
  return maxReceiveCount !== undefined && failedAttemptsOf(record) >= maxReceiveCount;
}

/** The PermanentError a message gets when its receives ran out: reason retries_exhausted, the last error kept. */
function exhausted(error: Error): PermanentError {
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
function deadLetterLog(record: SQSRecord, error: PermanentError) {
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

export function createSqsStage<T>(options: StageOptions<T>) {
  const { stage, schema, sqs, queueUrl, logger, metrics } = options;
  const now = options.now ?? Date.now;
  const dlq = createSqsQueue(sqs, options.dlqUrl, dlqOptions(options));
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
      const copy = deferredCopy(await renew(record), error.retryAfterSeconds ?? 1);
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
      const message = await decodeRecord(record, schema, options.claimCheckReader);
      await runWithinDeadline(context, marginMs, (signal) =>
        options.process(message, log, record, signal, context),
      );
    } catch (error) {
      if (error instanceof PermanentError) return deadLetter(record, error, log);
      if (error instanceof DeferredError && (await defer(record, error, log))) return;
      if (!(error instanceof DeferredError) && lastAllowed(record, options.maxReceiveCount)) {
        const failed = error instanceof Error ? error : new Error(String(error));
        try {
          return await deadLetter(record, exhausted(failed), log);
        } catch (e) {
          log.error('could not send to the DLQ; the message stays on the queue', { error: e as Error });
        }
      }
      const receiveCount = receiveCountOf(record);
      const attempts = failedAttemptsOf(record);
      const retryable = error instanceof RetryableError ? error : undefined;
      const delay = retryable?.retryAfterSeconds ?? backoffSeconds(attempts);
      log.warn('will retry', {
        outcome: 'retry',
        reason: retryable?.reason ?? 'unexpected_error',
        receive_count: receiveCount,
        attempts,
        delay_seconds: delay,
        error: error as Error,
      });
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
  /** Gets every message that met its contract; returns an outcome per message id (a missing one is retried). */
  processBatch: (records: ParsedRecord<T>[], context: Context) => Promise<Map<string, RecordOutcome>>;
}

/** SQS takes at most 10 entries per batch call. */
const SQS_BATCH = 10;

export function createSqsBatchStage<T>(options: BatchStageOptions<T>) {
  const { stage, schema, sqs, queueUrl, logger, metrics } = options;
  const now = options.now ?? Date.now;
  const dlq = createSqsQueue(sqs, options.dlqUrl, dlqOptions(options));
  const backoff = options.backoff ?? ((attempts: number) => backoffSeconds(attempts));
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
    const { failedIds, reasons } = await dlq.sendBatch(
      letters.map(({ record, error }, i) => ({
        id: record.messageId,
        body: encodeMessageBody(deadLetterOf(stage, renewed[i] ?? record, error, now())),
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
      return copyOf ? [{ id: record.messageId, ...deferredCopy(copyOf, error.retryAfterSeconds ?? 1) }] : [];
    });
    const { failedIds, reasons } = await sendDelayed(sqs, queueUrl, copies);
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
    const entries = retries.map(({ record, error, log }) => {
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
    const deferrals: { record: SQSRecord; error: DeferredError; log: Logger }[] = [];
    const decoded = await Promise.all(
      event.Records.map(async (received) => {
        const log = logger.createChild({ persistentKeys: { correlation_id: correlationOf(received) } });
        let record = received;
        try {
          record = await openRecord(received, redrive, log, metrics);
          return { record, log, message: await decodeRecord(record, schema, options.claimCheckReader) };
        } catch (error) {
          return { record, log, error: error instanceof Error ? error : new Error(String(error)) };
        }
      }),
    );
    for (const item of decoded) {
      const { record, log } = item;
      if (!('error' in item)) parsed.push({ id: record.messageId, message: item.message, record, log });
      else if (item.error instanceof PermanentError) letters.push({ record, log, error: item.error });
      else if (lastAllowed(record, options.maxReceiveCount))
        letters.push({ record, log, error: exhausted(item.error) });
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
