// The claim check (functions/shared/stage/claim-check.ts) through the queue port and the stages' decode step, against
// local mode's emulators (queues at the module's 262,144-byte limit, fauxqs's S3).
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  claimCheckKey,
  claimCheckOf,
  createS3ClaimCheckReader,
  createS3ClaimCheckWriter,
} from '../../functions/shared/stage/claim-check.ts';
import { deadLetterV1Schema } from '../../functions/shared/stage/contracts.ts';
import { PermanentError } from '../../functions/shared/stage/errors.ts';
import type { Logger } from '../../functions/shared/logger.ts';
import { createMetrics } from '../../functions/shared/metrics.ts';
import { encodeMessageBody } from '../../functions/shared/stage/message-body.ts';
import { createSqsQueue } from '../../functions/shared/stage/sqs-queue.ts';
import { decodeRecord } from '../../functions/shared/stage/record-decoding.ts';
import { createSqsStage } from '../../functions/shared/stage/record-stage.ts';
import * as z from '../../functions/shared/zod.ts';
import { MAX_MESSAGE_BYTES, startLocalAws, type LocalAws } from '../../local/emulators.ts';

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(async () => {
  await aws.close();
});

const schema = z.object({ id: z.string(), pad: z.string() });

async function receive(): Promise<SQSRecord[]> {
  const out = await aws.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: aws.hydrate.url, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
  );
  return (out.Messages ?? []).map(
    (m) =>
      ({
        messageId: m.MessageId,
        body: m.Body,
        messageAttributes: {},
        attributes: {},
      }) as unknown as SQSRecord,
  );
}

describe('claim check', () => {
  it('sends a body over the queue limit as a reference and the stage reads it back', async () => {
    const store = createS3ClaimCheckWriter(aws.s3, { bucket: aws.payloadBucket, stage: 'ingest' });
    const queue = createSqsQueue(aws.sqs, aws.hydrate.url, {
      maxMessageBytes: MAX_MESSAGE_BYTES,
      claimCheck: store,
    });
    const small = encodeMessageBody({ id: 'small', pad: 'x'.repeat(1_000) });
    const large = encodeMessageBody({ id: 'large', pad: 'é\uFFFF'.repeat(200_000) });
    const { failedIds } = await queue.sendBatch([
      { id: 'a', body: small, correlationId: 'demo:small' },
      { id: 'b', body: large, correlationId: 'demo:large' },
    ]);
    expect(failedIds).toEqual([]);
    const records = await receive();
    expect(records).toHaveLength(2);
    const byId = new Map<string, SQSRecord>();
    for (const record of records) {
      const parsed = JSON.parse(record.body) as { id?: string; correlation_id?: string };
      byId.set(parsed.id ?? parsed.correlation_id ?? '', record);
    }
    expect(byId.get('small')?.body).toBe(small);
    const reference = claimCheckOf(JSON.parse(byId.get('demo:large')?.body ?? ''));
    expect(reference).toMatchObject({ bucket: aws.payloadBucket, bytes: Buffer.byteLength(large) });
    expect(reference?.key).toMatch(/^ingest\/demo\/[0-9a-f]{32}\/[0-9a-f-]{36}\.json$/);
    const message = await decodeRecord(
      byId.get('demo:large') as SQSRecord,
      schema,
      createS3ClaimCheckReader(aws.s3),
    );
    expect(message).toEqual({ id: 'large', pad: 'é\uFFFF'.repeat(200_000) });
  });

  it('without a bucket, bounds bodies by the queue limit (ingest answers 413)', () => {
    const queue = createSqsQueue(aws.sqs, aws.hydrate.url, { maxMessageBytes: MAX_MESSAGE_BYTES });
    expect(queue.maxBodyBytes).toBeLessThan(MAX_MESSAGE_BYTES);
    expect(queue.maxBodyBytes).toBeGreaterThan(MAX_MESSAGE_BYTES - 200);
  });

  it('a claim check whose object is gone is a permanent failure with a reason', async () => {
    const store = createS3ClaimCheckReader(aws.s3);
    const body = encodeMessageBody({
      type: 'claim-check',
      version: 1,
      correlation_id: 'demo:gone',
      claim_check: { bucket: aws.payloadBucket, key: claimCheckKey('ingest', 'demo:gone'), bytes: 10 },
    });
    const record = { messageId: '1', body, messageAttributes: {}, attributes: {} } as unknown as SQSRecord;
    const error = await decodeRecord(record, schema, store).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).reason).toBe('claim_check_missing');
  });

  it('stores a dead letter larger than the DLQ takes, and the letter keeps the original', async () => {
    const quiet = { warn: () => undefined, error: () => undefined, debug: () => undefined };
    const logger = { ...quiet, info: () => undefined, createChild: () => logger } as unknown as Logger;
    const stage = createSqsStage({
      stage: 'hydrate',
      schema,
      sqs: aws.sqs,
      queueUrl: aws.hydrate.url,
      dlqUrl: aws.hydrate.dlqUrl,
      logger,
      metrics: createMetrics('hydrate'),
      maxMessageBytes: MAX_MESSAGE_BYTES,
      claimCheck: createS3ClaimCheckWriter(aws.s3, { bucket: aws.payloadBucket, stage: 'hydrate' }),
      claimCheckReader: createS3ClaimCheckReader(aws.s3),
      process: () => Promise.reject(new PermanentError('refused', 'test_refusal')),
    });
    // Under the queue limit as a message; over it once its quotes are escaped inside the letter.
    const original = JSON.stringify({ id: 'quoted', pad: JSON.stringify(Array(40_000).fill('a')) });
    expect(Buffer.byteLength(original)).toBeLessThan(MAX_MESSAGE_BYTES);
    const record = {
      messageId: 'm1',
      receiptHandle: 'rh',
      body: original,
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: { correlation_id: { stringValue: 'demo:quoted', dataType: 'String' } },
    } as unknown as SQSRecord;
    const context = { getRemainingTimeInMillis: () => 30_000 } as unknown as Parameters<typeof stage>[1];
    expect(await stage({ Records: [record] }, context)).toEqual({ batchItemFailures: [] });

    const out = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: aws.hydrate.dlqUrl }));
    const [message] = out.Messages ?? [];
    const reference = claimCheckOf(JSON.parse(message?.Body ?? ''));
    expect(reference?.key).toMatch(/^hydrate\/demo\//);
    const letter = deadLetterV1Schema().parse(
      JSON.parse(await createS3ClaimCheckReader(aws.s3).load(reference ?? { bucket: '', key: '', bytes: 1 })),
    );
    expect(letter).toMatchObject({ reason: 'test_refusal', original });
  });

  it('names the source and a hash of the correlation id in the key, nothing else of it', () => {
    expect(claimCheckKey('hydrate', 'shop/1:order ../x', 'u')).toMatch(
      /^hydrate\/shop_1\/[0-9a-f]{32}\/u\.json$/,
    );
  });
});
