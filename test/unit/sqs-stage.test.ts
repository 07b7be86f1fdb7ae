// The SQS stage runner against a recording SQS client: a message's last allowed failing receive goes to the DLQ
// as a DeadLetterV1 with the reason, the last error and the attempts (logged), so SQS's redrive never moves it;
// a deferral (DeferredError: waiting for capacity, not a failure) is re-sent to the queue with a delay and the
// failure count in an attribute, and only a re-send that failed falls back to the visibility change.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { deadLetterV1Schema } from '../../functions/shared/stage/contracts.ts';
import { DeferredError, RetryableError } from '../../functions/shared/stage/errors.ts';
import type { Logger } from '../../functions/shared/logger.ts';
import { createMetrics } from '../../functions/shared/metrics.ts';
import { FAILED_ATTEMPTS_ATTRIBUTE } from '../../functions/shared/stage/attempts.ts';
import { createSqsBatchStage } from '../../functions/shared/stage/batch-stage.ts';
import { decodeRecord } from '../../functions/shared/stage/record-decoding.ts';
import { createSqsStage } from '../../functions/shared/stage/record-stage.ts';
import type { RecordOutcome } from '../../functions/shared/stage/stage-options.ts';
import * as z from '../../functions/shared/zod.ts';
import { sqsRecord } from '../helpers/sqs-record.ts';

const QUEUE = 'http://sqs.local/000000000000/deliver';
const DLQ = 'http://sqs.local/000000000000/deliver-dlq';
const context = { getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** A Logger that records what it is asked to write (children write to the same list). */
function recordingLogger(lines: LogLine[] = [], keys: Record<string, unknown> = {}): Logger {
  const write =
    (level: LogLine['level']) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      lines.push({ level, message, fields: { ...keys, ...fields } });
    };
  return {
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    debug: () => undefined,
    createChild: (options: { persistentKeys?: Record<string, unknown> }) =>
      recordingLogger(lines, { ...keys, ...options.persistentKeys }),
  } as unknown as Logger;
}

/** Records every command; `fail` names the command types that throw. */
function recordingSqs(fail: string[] = []) {
  const commands: { name: string; input: Record<string, unknown> }[] = [];
  const client = {
    send: (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name;
      commands.push({ name, input: command.input });
      return fail.includes(name) ? Promise.reject(new Error(`${name} refused`)) : Promise.resolve({});
    },
  } as unknown as SQSClient;
  return { client, commands, named: (name: string) => commands.filter((c) => c.name === name) };
}

function record(id: string, receiveCount: number, failedBefore?: number): SQSRecord {
  return sqsRecord({
    id,
    body: JSON.stringify({ n: Number(id.replace(/\D/g, '')) || 0 }),
    receiveCount,
    queue: 'deliver',
    messageAttributes: {
      correlation_id: { stringValue: `demo:${id}`, dataType: 'String' },
      ...(failedBefore !== undefined && {
        [FAILED_ATTEMPTS_ATTRIBUTE]: { stringValue: String(failedBefore), dataType: 'Number' },
      }),
    },
  });
}

const schema = z.object({ n: z.number() });

function batchStage(outcome: (id: string) => RecordOutcome, sqs: SQSClient, lines: LogLine[]) {
  return createSqsBatchStage({
    stage: 'deliver',
    schema,
    sqs,
    queueUrl: QUEUE,
    dlqUrl: DLQ,
    maxReceiveCount: 3,
    logger: recordingLogger(lines),
    metrics: createMetrics('deliver'),
    now: () => Date.parse('2026-12-03T06:00:00.000Z'),
    processBatch: (records) => Promise.resolve(new Map(records.map((r) => [r.id, outcome(r.id)]))),
  });
}

const lettersIn = (entries: unknown) =>
  (entries as { MessageBody: string }[]).map((e) => deadLetterV1Schema().parse(JSON.parse(e.MessageBody)));

describe('dead letters with a reason (batch stage)', () => {
  it('the last allowed failing receive goes to the DLQ with reason, last error and attempts, and is logged', async () => {
    const sqs = recordingSqs();
    const lines: LogLine[] = [];
    const error = new RetryableError('POST /api/events answered 503', 'klaviyo_503');
    const stage = batchStage(() => ({ kind: 'retry', error }), sqs.client, lines);
    // m1: first receive (a retry); m3: the third and last receive SQS allows.
    const out = await stage({ Records: [record('m1', 1), record('m3', 3)] }, context);

    // m3 is handled: SQS deletes it, so its redrive never moves it without a reason.
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    const sent = sqs.named('SendMessageBatchCommand');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.input.QueueUrl).toBe(DLQ);
    const [letter, ...others] = lettersIn(sent[0]?.input.Entries);
    expect(others).toHaveLength(0);
    expect(letter).toMatchObject({
      stage: 'deliver',
      reason: 'retries_exhausted',
      attempts: 3,
      last_error: { reason: 'klaviyo_503', message: 'POST /api/events answered 503' },
      original: JSON.stringify({ n: 3 }),
    });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'sent to DLQ',
        fields: expect.objectContaining({
          correlation_id: 'demo:m3',
          outcome: 'dead_lettered',
          reason: 'retries_exhausted',
          attempts: 3,
          last_error_reason: 'klaviyo_503',
        }) as unknown,
      }),
    );
    // Only m1 is delayed for a retry.
    const delayed = sqs.named('ChangeMessageVisibilityBatchCommand');
    expect(delayed.flatMap((c) => c.input.Entries as { ReceiptHandle: string }[])).toEqual([
      expect.objectContaining({ ReceiptHandle: 'rh-m1' }),
    ]);
  });

  it('failures carried over from earlier deferrals count: attempts = attribute + receives', async () => {
    const sqs = recordingSqs();
    const stage = batchStage(() => ({ kind: 'retry', error: new Error('boom') }), sqs.client, []);
    const out = await stage({ Records: [record('m1', 1, 2), record('m2', 1, 1)] }, context);
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
    const [letter] = lettersIn(sqs.named('SendMessageBatchCommand')[0]?.input.Entries);
    expect(letter).toMatchObject({
      attempts: 3,
      last_error: { reason: 'unexpected_error', message: 'boom' },
    });
  });

  it('a DLQ that refuses the letter leaves the message on the queue (redrive is then the fallback)', async () => {
    const sqs = recordingSqs(['SendMessageBatchCommand']);
    const lines: LogLine[] = [];
    const stage = batchStage(() => ({ kind: 'retry', error: new Error('boom') }), sqs.client, lines);
    const out = await stage({ Records: [record('m3', 3)] }, context);
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm3' }]);
    expect(lines.some((l) => l.level === 'error' && l.message.includes('could not send to the DLQ'))).toBe(
      true,
    );
  });
});

describe('deferral does not consume the receives meant for failures (batch stage)', () => {
  it('a deferred message is re-sent with a delay and its failure count, and the original is deleted', async () => {
    const sqs = recordingSqs();
    const stage = batchStage(
      () => ({ kind: 'retry', error: new DeferredError('budget used up', 'klaviyo_budget', 37) }),
      sqs.client,
      [],
    );
    // m5: received three times (two failures before this receive), 1 failure carried over from before.
    const out = await stage({ Records: [record('m5', 3, 1), record('m6', 1)] }, context);
    expect(out.batchItemFailures).toEqual([]);
    expect(sqs.named('ChangeMessageVisibilityBatchCommand')).toHaveLength(0);
    const resent = sqs.named('SendMessageBatchCommand');
    expect(resent).toHaveLength(1);
    expect(resent[0]?.input.QueueUrl).toBe(QUEUE);
    const entries = resent[0]?.input.Entries as {
      MessageBody: string;
      DelaySeconds: number;
      MessageAttributes: Record<string, { StringValue: string; DataType: string }>;
    }[];
    expect(entries.map((e) => [e.MessageBody, e.DelaySeconds])).toEqual([
      [JSON.stringify({ n: 5 }), 37],
      [JSON.stringify({ n: 6 }), 37],
    ]);
    expect(entries.map((e) => e.MessageAttributes[FAILED_ATTEMPTS_ATTRIBUTE]?.StringValue)).toEqual([
      '3',
      '0',
    ]);
    expect(entries[0]?.MessageAttributes.correlation_id?.StringValue).toBe('demo:m5');
  });

  it('a deferral at the last allowed receive is re-sent, not dead-lettered', async () => {
    const sqs = recordingSqs();
    const stage = batchStage(
      () => ({ kind: 'retry', error: new DeferredError('budget used up', 'klaviyo_budget', 5) }),
      sqs.client,
      [],
    );
    const out = await stage({ Records: [record('m3', 3)] }, context);
    expect(out.batchItemFailures).toEqual([]);
    const resent = sqs.named('SendMessageBatchCommand');
    expect(resent.map((c) => c.input.QueueUrl)).toEqual([QUEUE]);
  });

  it('delays longer than SQS allows are capped at 900 s', async () => {
    const sqs = recordingSqs();
    const stage = batchStage(
      () => ({ kind: 'retry', error: new DeferredError('budget used up', 'klaviyo_budget', 5_000) }),
      sqs.client,
      [],
    );
    await stage({ Records: [record('m1', 1)] }, context);
    const entries = sqs.named('SendMessageBatchCommand')[0]?.input.Entries as { DelaySeconds: number }[];
    expect(entries[0]?.DelaySeconds).toBe(900);
  });

  it('a re-send that fails falls back to the visibility change: never lost', async () => {
    const sqs = recordingSqs(['SendMessageBatchCommand']);
    const stage = batchStage(
      () => ({ kind: 'retry', error: new DeferredError('budget used up', 'klaviyo_budget', 12) }),
      sqs.client,
      [],
    );
    const out = await stage({ Records: [record('m1', 1)] }, context);
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    const delayed = sqs.named('ChangeMessageVisibilityBatchCommand');
    expect(delayed.flatMap((c) => c.input.Entries as unknown[])).toEqual([
      expect.objectContaining({ ReceiptHandle: 'rh-m1', VisibilityTimeout: 12 }),
    ]);
  });
});

describe('the per-record stage (hydrate) does the same', () => {
  function recordStage(process: () => Promise<void>, sqs: SQSClient, lines: LogLine[]) {
    return createSqsStage({
      stage: 'hydrate',
      schema,
      sqs,
      queueUrl: QUEUE,
      dlqUrl: DLQ,
      maxReceiveCount: 5,
      logger: recordingLogger(lines),
      metrics: createMetrics('hydrate'),
      process,
    });
  }

  it('the last allowed failing receive goes to the DLQ with reason, last error and attempts', async () => {
    const sqs = recordingSqs();
    const lines: LogLine[] = [];
    const stage = recordStage(
      () => Promise.reject(new RetryableError('GET /orders failed', 'source_api_503')),
      sqs.client,
      lines,
    );
    const out = await stage({ Records: [record('m5', 5), record('m4', 4)] }, context);
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm4' }]);
    const sent = sqs.named('SendMessageCommand');
    expect(sent.map((c) => c.input.QueueUrl)).toEqual([DLQ]);
    expect(deadLetterV1Schema().parse(JSON.parse(sent[0]?.input.MessageBody as string))).toMatchObject({
      stage: 'hydrate',
      reason: 'retries_exhausted',
      attempts: 5,
      last_error: { reason: 'source_api_503', message: 'GET /orders failed' },
    });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'sent to DLQ',
        fields: expect.objectContaining({ reason: 'retries_exhausted', attempts: 5 }) as unknown,
      }),
    );
    expect(sqs.named('ChangeMessageVisibilityCommand').map((c) => c.input.ReceiptHandle)).toEqual(['rh-m4']);
  });

  it('hands the invocation context to the use case (hydrate paces within its time left)', async () => {
    const seen: unknown[] = [];
    const stage = createSqsStage({
      stage: 'hydrate',
      schema,
      sqs: recordingSqs().client,
      queueUrl: QUEUE,
      dlqUrl: DLQ,
      logger: recordingLogger([]),
      metrics: createMetrics('hydrate'),
      process: (_message, _log, _record, _signal, invocation) => {
        seen.push(invocation);
        return Promise.resolve();
      },
    });
    await stage({ Records: [record('m8', 1)] }, context);
    expect(seen).toEqual([context]);
  });

  it('a deferral is re-sent with its delay and failure count; the original is deleted', async () => {
    const sqs = recordingSqs();
    const stage = recordStage(
      () => Promise.reject(new DeferredError('source API busy', 'source_api_throttled', 9)),
      sqs.client,
      [],
    );
    const out = await stage({ Records: [record('m7', 5, 2)] }, context);
    expect(out.batchItemFailures).toEqual([]);
    const sent = sqs.named('SendMessageCommand');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.input).toMatchObject({
      QueueUrl: QUEUE,
      DelaySeconds: 9,
      MessageAttributes: { [FAILED_ATTEMPTS_ATTRIBUTE]: { DataType: 'Number', StringValue: '6' } },
    });
    expect(sqs.named('ChangeMessageVisibilityCommand')).toHaveLength(0);
  });
});

describe('the per-record stage runs within the time the invocation has left', () => {
  /** A context whose deadline is `leftMs` from now, as Lambda's is. */
  function contextWith(leftMs: number): Context {
    const deadline = Date.now() + leftMs;
    return { getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) } as unknown as Context;
  }

  function timedStage(
    process: (signal: AbortSignal | undefined) => Promise<void>,
    sqs: SQSClient,
    lines: LogLine[],
  ) {
    return createSqsStage({
      stage: 'hydrate',
      schema,
      sqs,
      queueUrl: QUEUE,
      dlqUrl: DLQ,
      maxReceiveCount: 5,
      logger: recordingLogger(lines),
      metrics: createMetrics('hydrate'),
      deadlineMarginMs: 200,
      process: (_message, _log, _record, signal) => process(signal),
    });
  }

  /** Fails the test instead of hanging when the stage does not answer in time. */
  async function within<T>(ms: number, work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the stage did not answer within ${ms} ms`)), ms);
    });
    try {
      return await Promise.race([work, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  it('a record that cannot finish is a batch item failure before the timeout, and its work is aborted', async () => {
    const sqs = recordingSqs();
    const lines: LogLine[] = [];
    const signals: (AbortSignal | undefined)[] = [];
    const stage = timedStage(
      (signal) => {
        signals.push(signal);
        // A source API that never answers (its own timeout is longer than the invocation has left).
        return new Promise<void>(() => undefined);
      },
      sqs.client,
      lines,
    );
    const started = Date.now();
    const out = await within(2_000, stage({ Records: [record('m1', 1)] }, contextWith(700)));
    expect(Date.now() - started).toBeLessThan(700);
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(signals[0]?.aborted).toBe(true);
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'will retry',
        fields: expect.objectContaining({ reason: 'out_of_time' }) as unknown,
      }),
    );
  });

  it('records that finish in time are unaffected', async () => {
    const sqs = recordingSqs();
    const stage = timedStage(() => Promise.resolve(), sqs.client, []);
    const out = await within(2_000, stage({ Records: [record('m1', 1), record('m2', 1)] }, contextWith(700)));
    expect(out.batchItemFailures).toEqual([]);
  });

  it('with no time left a record is not started: a batch item failure, retried as out_of_time', async () => {
    const sqs = recordingSqs();
    const lines: LogLine[] = [];
    let calls = 0;
    const stage = timedStage(
      () => {
        calls += 1;
        return Promise.resolve();
      },
      sqs.client,
      lines,
    );
    const out = await within(2_000, stage({ Records: [record('m1', 2)] }, contextWith(100)));
    expect(calls).toBe(0);
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'will retry',
        fields: expect.objectContaining({ reason: 'out_of_time' }) as unknown,
      }),
    );
  });

  it('the default margin is 2 s, or a tenth of a short invocation', async () => {
    const sqs = recordingSqs();
    let calls = 0;
    const stage = createSqsStage({
      stage: 'hydrate',
      schema,
      sqs: sqs.client,
      queueUrl: QUEUE,
      dlqUrl: DLQ,
      logger: recordingLogger([]),
      metrics: createMetrics('hydrate'),
      process: () => {
        calls += 1;
        return Promise.resolve();
      },
    });
    // A 1 s function still runs its records (a fixed 2 s margin would leave it nothing).
    const out = await within(2_000, stage({ Records: [record('m1', 1)] }, contextWith(1_000)));
    expect(out.batchItemFailures).toEqual([]);
    expect(calls).toBe(1);
  });
});

describe('decodeRecord: integers above 2^53', () => {
  it('keeps their digits in a message put on the queue by hand (raw JSON numbers)', async () => {
    const record = sqsRecord({ id: 'm-big', body: '{"id":820982911946154508,"n":[9007199254740993]}' });
    const schema = z.looseObject({ id: z.string(), n: z.array(z.string()) });
    expect(await decodeRecord(record, schema, undefined)).toEqual({
      id: '820982911946154508',
      n: ['9007199254740993'],
    });
  });
});
