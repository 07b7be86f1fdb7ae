// A claim-checked body must outlive every message that names it (issue 18, item 14). The payload bucket expires
// objects by age (terraform/payloads.tf: the longest queue retention + the longest DLQ retention + a day), while
// deferrals and dead letters start new message lifetimes. Each such start stores the body again (a fresh object
// under the stage's prefix), so a message deferred for weeks, or a dead letter redriven late, still finds it.
// Here S3 is a map with a clock and that lifecycle rule; SQS records what the stage sends.
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import {
  claimCheckOf,
  createS3ClaimCheckReader,
  createS3ClaimCheckWriter,
  renewClaimCheck,
} from '../../functions/shared/stage/claim-check.ts';
import { deadLetterV1Schema } from '../../functions/shared/stage/contracts.ts';
import { DeferredError, PermanentError } from '../../functions/shared/stage/errors.ts';
import { createLogger } from '../../functions/shared/logger.ts';
import { encodeMessageBody } from '../../functions/shared/stage/message-body.ts';
import { createMetrics } from '../../functions/shared/metrics.ts';
import { createSqsQueue } from '../../functions/shared/stage/sqs-queue.ts';
import { createSqsBatchStage } from '../../functions/shared/stage/batch-stage.ts';
import { createSqsStage } from '../../functions/shared/stage/record-stage.ts';
import * as z from '../../functions/shared/zod.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import { sqsRecord } from '../helpers/sqs-record.ts';

const DAY = 86_400_000;
// The module's defaults: 4 days on a queue, 14 in a DLQ, plus a day.
const EXPIRATION_DAYS = 4 + 14 + 1;

/** An S3 bucket whose lifecycle rule expires each object EXPIRATION_DAYS after it was (last) written. */
function agingBucket(clock: { now: number }) {
  const objects = new Map<string, { body: string; writtenAt: number }>();
  const client = {
    send(command: unknown) {
      if (command instanceof PutObjectCommand) {
        const { Key, Body } = command.input;
        objects.set(Key ?? '', { body: Body as string, writtenAt: clock.now });
        return Promise.resolve({});
      }
      if (command instanceof GetObjectCommand) {
        const object = objects.get(command.input.Key ?? '');
        if (!object || clock.now - object.writtenAt > EXPIRATION_DAYS * DAY) {
          const error = new Error('The specified key does not exist.');
          error.name = 'NoSuchKey';
          return Promise.reject(error);
        }
        return Promise.resolve({ Body: { transformToString: () => Promise.resolve(object.body) } });
      }
      return Promise.reject(new Error('unexpected S3 command'));
    },
  } as unknown as S3Client;
  return { client, objects };
}

/** Records what the stage sends: deferred copies (its own queue) and dead letters (its DLQ). */
function recordingSqs() {
  const sent: { queueUrl: string; body: string }[] = [];
  const client = {
    send(command: unknown) {
      if (command instanceof SendMessageCommand)
        sent.push({ queueUrl: command.input.QueueUrl ?? '', body: command.input.MessageBody ?? '' });
      if (command instanceof SendMessageBatchCommand) {
        const entries = command.input.Entries ?? [];
        for (const entry of entries)
          sent.push({ queueUrl: command.input.QueueUrl ?? '', body: entry.MessageBody ?? '' });
        return Promise.resolve({ Successful: entries.map((e) => ({ Id: e.Id })) });
      }
      return Promise.resolve({});
    },
  } as unknown as SQSClient;
  return { client, sent };
}

const QUEUE = 'http://sqs.local/000000000000/hydrate';
const DLQ = 'http://sqs.local/000000000000/hydrate-dlq';
const schema = z.object({ correlation_id: z.string(), pad: z.string() });
const large = encodeMessageBody({ correlation_id: 'shop:1', pad: 'x'.repeat(300_000) });

function stageWith(s3: S3Client, sqs: SQSClient, outcome: () => Error | undefined) {
  return createSqsStage({
    stage: 'hydrate',
    schema,
    sqs,
    queueUrl: QUEUE,
    dlqUrl: DLQ,
    maxReceiveCount: 5,
    claimCheckReader: createS3ClaimCheckReader(s3),
    claimCheck: createS3ClaimCheckWriter(s3, { bucket: 'payloads', stage: 'hydrate' }),
    logger: createLogger('hydrate'),
    metrics: createMetrics('hydrate'),
    process: () => {
      const error = outcome();
      return error ? Promise.reject(error) : Promise.resolve();
    },
  });
}

/** What ingest sends for a body over the queue's limit: a claim check under ingest/. */
async function ingestSends(s3: S3Client): Promise<string> {
  let body = '';
  const sqs = {
    send(command: { input: { Entries?: { MessageBody?: string }[] } }) {
      body = command.input.Entries?.[0]?.MessageBody ?? '';
      return Promise.resolve({ Successful: [{ Id: 'a' }] });
    },
  } as unknown as SQSClient;
  const queue = createSqsQueue(sqs, QUEUE, {
    claimCheck: createS3ClaimCheckWriter(s3, { bucket: 'payloads', stage: 'ingest' }),
  });
  await queue.sendBatch([{ id: 'a', body: large, correlationId: 'shop:1' }]);
  return body;
}

const run = (stage: ReturnType<typeof stageWith>, body: string, id: string) =>
  stage(
    { Records: [sqsRecord({ id, body, queue: 'hydrate', messageAttributes: {} })] },
    lambdaContext('hydrate', id, 30_000),
  );

describe('claim-checked bodies outlive their messages', () => {
  it('a message deferred again and again for longer than the lifecycle still finds its body', async () => {
    const clock = { now: Date.parse('2026-12-01T00:00:00Z') };
    const { client: s3 } = agingBucket(clock);
    const { client: sqs, sent } = recordingSqs();
    let body = await ingestSends(s3);
    expect(claimCheckOf(JSON.parse(body))?.key).toMatch(/^ingest\//);
    // A source API that throttles for three weeks: every 3 days the message comes back and is deferred again.
    let deferring = true;
    const stage = stageWith(s3, sqs, () =>
      deferring ? new DeferredError('throttled', 'source_api_429', 900) : undefined,
    );
    for (let round = 1; round <= 7; round += 1) {
      clock.now += 3 * DAY;
      const out = await run(stage, body, `copy-${round}`);
      expect(out.batchItemFailures).toEqual([]);
      const copy = sent.at(-1);
      expect(copy?.queueUrl).toBe(QUEUE);
      body = copy?.body ?? '';
    }
    // 21 days after ingest stored it, more than the 19 the lifecycle keeps an object: the body is still there.
    deferring = false;
    const sentBefore = sent.length;
    clock.now += 1 * DAY;
    const out = await run(stage, body, 'last');
    expect(out.batchItemFailures).toEqual([]);
    expect(sent.slice(sentBefore).filter((m) => m.queueUrl === DLQ)).toEqual([]);
  });

  it('a dead letter redriven at the end of its retention still finds its body, however old the message was', async () => {
    const clock = { now: Date.parse('2026-12-01T00:00:00Z') };
    const { client: s3 } = agingBucket(clock);
    const { client: sqs, sent } = recordingSqs();
    const body = await ingestSends(s3);
    let fail = true;
    const stage = stageWith(s3, sqs, () =>
      fail ? new PermanentError('refused', 'mapping_invalid') : undefined,
    );
    // The message waited 3 days on the queue (deferred, or retried), then failed for good.
    clock.now += 3 * DAY;
    await run(stage, body, 'm1');
    const letter = sent.find((m) => m.queueUrl === DLQ);
    expect(letter).toBeDefined();
    const parsed = deadLetterV1Schema().parse(JSON.parse(letter?.body ?? ''));
    expect(claimCheckOf(JSON.parse(parsed.original))?.key).toMatch(/^hydrate\//);
    // 14 days in the DLQ, then a redrive; the stage gets to it 3 days later: 20 days after ingest stored the body.
    clock.now += 14 * DAY + 3 * DAY;
    fail = false;
    const sentBefore = sent.length;
    const out = await run(stage, letter?.body ?? '', 'redriven');
    expect(out.batchItemFailures).toEqual([]);
    expect(sent.slice(sentBefore)).toEqual([]);
  });

  it('the batch stage (deliver) renews a deferred body too', async () => {
    const clock = { now: Date.parse('2026-12-01T00:00:00Z') };
    const { client: s3 } = agingBucket(clock);
    const { client: sqs, sent } = recordingSqs();
    let body = await ingestSends(s3);
    let deferring = true;
    const stage = createSqsBatchStage({
      stage: 'deliver',
      schema,
      sqs,
      queueUrl: QUEUE,
      dlqUrl: DLQ,
      maxReceiveCount: 5,
      claimCheckReader: createS3ClaimCheckReader(s3),
      claimCheck: createS3ClaimCheckWriter(s3, { bucket: 'payloads', stage: 'deliver' }),
      logger: createLogger('deliver'),
      metrics: createMetrics('deliver'),
      processBatch: (records) =>
        Promise.resolve(
          new Map(
            records.map((r) => [
              r.id,
              deferring
                ? { kind: 'retry' as const, error: new DeferredError('budget', 'klaviyo_budget', 900) }
                : { kind: 'done' as const },
            ]),
          ),
        ),
    });
    for (let round = 1; round <= 7; round += 1) {
      clock.now += 3 * DAY;
      const out = await stage(
        { Records: [sqsRecord({ id: `c-${round}`, body, queue: 'deliver' })] },
        lambdaContext('deliver', `c-${round}`, 30_000),
      );
      expect(out.batchItemFailures).toEqual([]);
      body = sent.at(-1)?.body ?? '';
      expect(claimCheckOf(JSON.parse(body))?.key).toMatch(/^deliver\//);
    }
    deferring = false;
    const sentBefore = sent.length;
    const out = await stage(
      { Records: [sqsRecord({ id: 'last', body, queue: 'deliver' })] },
      lambdaContext('deliver', 'last', 30_000),
    );
    expect(out.batchItemFailures).toEqual([]);
    expect(sent.slice(sentBefore)).toEqual([]);
  });

  it('stores a body once per stage however often it is renewed, and leaves other bodies as they are', async () => {
    const clock = { now: 0 };
    const { client: s3, objects } = agingBucket(clock);
    const body = await ingestSends(s3);
    const ports = {
      reader: createS3ClaimCheckReader(s3),
      writer: createS3ClaimCheckWriter(s3, { bucket: 'payloads', stage: 'hydrate' }),
    };
    const first = await renewClaimCheck(body, 'shop:1', ports);
    const again = await renewClaimCheck(first, 'shop:1', ports);
    expect(again).toBe(first);
    expect([...objects.keys()].filter((k) => k.startsWith('hydrate/'))).toHaveLength(1);
    const small = encodeMessageBody({ correlation_id: 'shop:2', pad: 'x' });
    expect(await renewClaimCheck(small, 'shop:2', ports)).toBe(small);
  });
});
