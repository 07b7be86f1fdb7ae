// Local stand-in for Lambda's SQS event source mapping with ReportBatchItemFailures: long-poll the queue, invoke
// the handler with a Lambda-shaped event and context, delete what succeeded and leave the rest to the queue's
// visibility timeout and redrive policy, exactly as the mapping in AWS does. One invocation (payload limit and
// timeout): ./invocation.ts; deleting what succeeded: ./delete-records.ts.
import { performance } from 'node:perf_hooks';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { readBatchResponse } from './batch-response.ts';
import { deleteRecords } from './delete-records.ts';
import { byPayloadSize, invokeWithTimeout, MAX_PAYLOAD_BYTES, type SqsBatchHandler } from './invocation.ts';
import { createInvocationContext, parseQueueArn, toSqsRecord } from './lambda-event.ts';
import { PollerError } from './poller-error.ts';

export interface PollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  /** Names the function in the context (functionName, ARN, log group) and in errors. */
  functionName: string;
  handler: SqsBatchHandler;
  /** Records per invocation, 1 to 10000 (the mapping's BatchSize); default 10. */
  batchSize?: number | undefined;
  /** How long to gather records before invoking, 0 to 300000 ms; at least 1000 when batchSize > 10. Default 0. */
  maxBatchingWindowMs?: number | undefined;
  /** The function's timeout; an invocation running longer fails its whole batch. Default 30000 (the module's). */
  timeoutMs?: number | undefined;
  /** Reported as context.memoryLimitInMB; default 256 (the module's). */
  memoryLimitInMB?: number | undefined;
  /** Long-poll wait per receive, 0 to 20 s; default 20 like the mapping. Tests use 0 to see an empty queue at once. */
  waitTimeSeconds?: number | undefined;
  /** Everything the mapping would log; default console.error. The poller keeps going after each. */
  onError?: ((error: PollerError) => void) | undefined;
}

export interface Poller {
  /** Stops receiving, lets the batch in hand finish (handler and deletes), then resolves. */
  stop(): Promise<void>;
  /**
   * Resolves once a receive that began after this call came back empty with no batch in hand. With long polling
   * that takes up to waitTimeSeconds on an empty queue. Also resolves when the poller stops.
   */
  idle(): Promise<void>;
}

/** SQS returns at most 10 messages per receive. */
const MAX_RECEIVE = 10;
/** Pause after a failed receive (emulator down, queue deleted) so the loop does not spin; doubles up to the cap. */
const RECEIVE_RETRY_MS = { first: 100, max: 5_000 };
/** Pause between empty short polls (waitTimeSeconds 0), for the same reason. */
const EMPTY_SHORT_POLL_PAUSE_MS = 10;

function checkRange(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

export function startPoller(options: PollerOptions): Poller {
  const { sqs, queueUrl, queueArn, functionName, handler } = options;
  const batchSize = checkRange('batchSize', options.batchSize ?? 10, 1, 10_000);
  const windowMs = checkRange('maxBatchingWindowMs', options.maxBatchingWindowMs ?? 0, 0, 300_000);
  const timeoutMs = checkRange('timeoutMs', options.timeoutMs ?? 30_000, 1, 900_000);
  const memoryLimitInMB = checkRange('memoryLimitInMB', options.memoryLimitInMB ?? 256, 128, 10_240);
  const waitTimeSeconds = checkRange('waitTimeSeconds', options.waitTimeSeconds ?? 20, 0, 20);
  // CreateEventSourceMapping refuses this combination too.
  if (batchSize > MAX_RECEIVE && windowMs < 1_000) {
    throw new RangeError('maxBatchingWindowMs must be at least 1000 when batchSize is over 10');
  }
  const { region, accountId } = parseQueueArn(queueArn);
  const report =
    options.onError ??
    ((error: PollerError) => {
      console.error(`[${functionName}] ${error.message}`, error.cause);
    });

  const stopping = new AbortController();
  // Receives are numbered; an idle() waiter is settled by the first empty receive numbered above `after`.
  let receiveSeq = 0;
  let finished = false;
  const idleWaiters: { after: number; resolve: () => void }[] = [];
  function settleIdle(seq: number): void {
    for (const waiter of idleWaiters.splice(0)) {
      if (seq > waiter.after) waiter.resolve();
      else idleWaiters.push(waiter);
    }
  }

  async function receive(max: number, wait: number): Promise<Message[]> {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(MAX_RECEIVE, max),
        WaitTimeSeconds: wait,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      // Aborting on stop drops a long poll in progress; a message SQS hands to the dropped poll stays hidden for
      // its visibility timeout, as with any consumer that disconnects mid-poll.
      { abortSignal: stopping.signal },
    );
    return out.Messages ?? [];
  }

  /** One receive, then (with a batching window) more until the batch or the window is full. */
  async function gather(): Promise<Message[]> {
    const messages = await receive(batchSize, waitTimeSeconds);
    if (messages.length === 0 || windowMs === 0) return messages;
    const windowEnd = performance.now() + windowMs;
    let bytes = messages.reduce((sum, m) => sum + Buffer.byteLength(m.Body ?? ''), 0);
    while (messages.length < batchSize && bytes < MAX_PAYLOAD_BYTES && !stopping.signal.aborted) {
      const remaining = windowEnd - performance.now();
      if (remaining <= 0) break;
      // Whole seconds only, so a long poll never runs past the window.
      const wait = Math.min(20, Math.floor(remaining / 1000));
      let more: Message[];
      try {
        more = await receive(batchSize - messages.length, wait);
      } catch (error) {
        // Invoke with what is in hand rather than leave it hidden until its visibility timeout.
        if (!stopping.signal.aborted)
          report(new PollerError('receive', `receive from ${queueUrl} failed`, { cause: error }));
        break;
      }
      if (more.length === 0 && wait === 0) await sleep(Math.min(remaining, 50), stopping.signal);
      messages.push(...more);
      bytes += more.reduce((sum, m) => sum + Buffer.byteLength(m.Body ?? ''), 0);
    }
    return messages;
  }

  async function processBatch(records: SQSRecord[]): Promise<void> {
    let response: unknown;
    try {
      const context = createInvocationContext({
        functionName,
        region,
        accountId,
        timeoutMs,
        memoryLimitInMB,
      });
      response = await invokeWithTimeout(handler, records, context, timeoutMs);
    } catch (error) {
      // The whole batch stays on the queue and comes back after its visibility timeout.
      report(
        new PollerError(
          'invoke',
          `${functionName} failed; all ${records.length} records return to the queue`,
          {
            cause: error,
          },
        ),
      );
      return;
    }
    const outcome = readBatchResponse(records, response);
    if (outcome.kind === 'batch-failed') {
      report(
        new PollerError('invoke', `${functionName}: ${outcome.reason}; the whole batch counts as failed`),
      );
      return;
    }
    await deleteRecords(sqs, queueUrl, outcome.succeeded, report);
  }

  async function run(): Promise<void> {
    let retryMs = RECEIVE_RETRY_MS.first;
    while (!stopping.signal.aborted) {
      const seq = ++receiveSeq;
      let messages: Message[];
      try {
        messages = await gather();
      } catch (error) {
        if (stopping.signal.aborted) break;
        report(new PollerError('receive', `receive from ${queueUrl} failed`, { cause: error }));
        await sleep(retryMs, stopping.signal);
        retryMs = Math.min(retryMs * 2, RECEIVE_RETRY_MS.max);
        continue;
      }
      retryMs = RECEIVE_RETRY_MS.first;
      if (messages.length === 0) {
        settleIdle(seq);
        if (waitTimeSeconds === 0) await sleep(EMPTY_SHORT_POLL_PAUSE_MS, stopping.signal);
        continue;
      }
      const records = messages.map((m) => toSqsRecord(m, queueArn));
      for (const chunk of byPayloadSize(records)) await processBatch(chunk);
    }
  }

  const running = run()
    .catch((error: unknown) => {
      report(
        new PollerError('receive', `the ${functionName} poller stopped on an unexpected error`, {
          cause: error,
        }),
      );
    })
    .finally(() => {
      finished = true;
      settleIdle(Number.POSITIVE_INFINITY);
    });

  return {
    async stop() {
      stopping.abort();
      await running;
    },
    idle() {
      if (finished || stopping.signal.aborted) return running;
      return new Promise<void>((resolve) => {
        idleWaiters.push({ after: receiveSeq, resolve });
      });
    },
  };
}
