// A counted deferral (CountedDeferral: a message kind the stage does not know yet) in the per-record stage, as the
// batch stage does it (test/unit/deliver-unknown-kinds.test.ts): re-sent with its delay and this receive counted
// as a failed attempt; on the last receive allowed, dead-lettered as retries_exhausted with it as the last error.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../functions/shared/logger.ts';
import { createMetrics } from '../../functions/shared/metrics.ts';
import { FAILED_ATTEMPTS_ATTRIBUTE } from '../../functions/shared/stage/attempts.ts';
import { deadLetterV1Schema } from '../../functions/shared/stage/contracts.ts';
import { CountedDeferral } from '../../functions/shared/stage/errors.ts';
import { createSqsStage } from '../../functions/shared/stage/record-stage.ts';
import * as z from '../../functions/shared/zod.ts';
import { sqsRecord } from '../helpers/sqs-record.ts';

const QUEUE = 'http://sqs.local/000000000000/hydrate';
const DLQ = 'http://sqs.local/000000000000/hydrate-dlq';
const context = { getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

function recordingSqs() {
  const sent: { name: string; input: Record<string, unknown> }[] = [];
  const client = {
    send: (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      return Promise.resolve({});
    },
  } as unknown as SQSClient;
  return { client, sent };
}

function stage(sqs: SQSClient) {
  return createSqsStage({
    stage: 'hydrate',
    schema: z.strictObject({ type: z.literal('known') }),
    sqs,
    queueUrl: QUEUE,
    dlqUrl: DLQ,
    maxReceiveCount: 3,
    logger: createLogger('hydrate'),
    metrics: createMetrics('hydrate'),
    deferUnknown: (value) =>
      (value as { type?: string }).type === 'later'
        ? new CountedDeferral('not yet', 'unknown_kind', 60)
        : undefined,
    process: () => Promise.resolve(),
  });
}

const record = (failedBefore: number) =>
  sqsRecord({
    id: 'm1',
    body: JSON.stringify({ type: 'later' }),
    queue: 'hydrate',
    receiveCount: 1,
    messageAttributes: {
      correlation_id: { stringValue: 'demo:1', dataType: 'String' },
      [FAILED_ATTEMPTS_ATTRIBUTE]: { stringValue: String(failedBefore), dataType: 'Number' },
    },
  });

describe('a counted deferral in the per-record stage', () => {
  it('is re-sent with its delay, this receive counted as a failed attempt', async () => {
    const sqs = recordingSqs();
    const out = await stage(sqs.client)({ Records: [record(1)] }, context);
    expect(out.batchItemFailures).toEqual([]);
    expect(sqs.sent.map((s) => [s.name, s.input.QueueUrl, s.input.DelaySeconds])).toEqual([
      ['SendMessageCommand', QUEUE, 60],
    ]);
    const attributes = sqs.sent[0]?.input.MessageAttributes as Record<string, { StringValue: string }>;
    expect(attributes[FAILED_ATTEMPTS_ATTRIBUTE]?.StringValue).toBe('2');
  });

  it('on the last receive allowed, is dead-lettered with it as the last error', async () => {
    const sqs = recordingSqs();
    await stage(sqs.client)({ Records: [record(2)] }, context);
    expect(sqs.sent.map((s) => s.input.QueueUrl)).toEqual([DLQ]);
    const letter = deadLetterV1Schema().parse(JSON.parse(sqs.sent[0]?.input.MessageBody as string));
    expect(letter).toMatchObject({ reason: 'retries_exhausted', last_error: { reason: 'unknown_kind' } });
  });
});
