// The local SQS emulator, driven by the real @aws-sdk/client-sqs: these are the SQS semantics local mode relies on.
import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { MessageAttributeValue, QueueAttributeName } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSqsWithClient, stopSqsWithClient } from '../helpers/sqs-emulator.ts';
import type { SqsEmulator } from '../../local/sqs/emulator.ts';

const MIB = 1_048_576;
// Real SQS names this unmodeled error `InvalidParameterValue`; fauxqs adds the `AWS.SimpleQueueService.` prefix.
const INVALID_PARAMETER_VALUE = /(^|\.)InvalidParameterValue$/;

let emulator: SqsEmulator;
let sqs: SQSClient;
let queueCounter = 0;

beforeAll(async () => {
  ({ emulator, sqs } = await startSqsWithClient());
});

afterAll(async () => {
  await stopSqsWithClient({ emulator, sqs });
});

afterEach(() => {
  vi.useRealTimers();
});

/** A fresh queue per test, so tests never see each other's messages. */
async function createQueue(attributes: Partial<Record<QueueAttributeName, string>> = {}): Promise<string> {
  queueCounter += 1;
  const name = `q${queueCounter}-${Math.random().toString(36).slice(2, 8)}`;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (QueueUrl === undefined) throw new Error('CreateQueue returned no QueueUrl');
  return QueueUrl;
}

async function attributes(queueUrl: string): Promise<Record<string, string>> {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }));
  return out.Attributes ?? {};
}

async function counts(queueUrl: string): Promise<{ visible: number; inFlight: number; delayed: number }> {
  const a = await attributes(queueUrl);
  return {
    visible: Number(a.ApproximateNumberOfMessages),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible),
    delayed: Number(a.ApproximateNumberOfMessagesDelayed),
  };
}

async function receive(
  queueUrl: string,
  extra: { VisibilityTimeout?: number; WaitTimeSeconds?: number } = {},
) {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
      ...extra,
    }),
  );
  return out.Messages ?? [];
}

/** The name the SDK gives the exception a call rejects with. */
async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as Error).name;
  }
  return 'no error';
}

/** MD5 of message attributes as AWS documents it: sorted names, each field length-prefixed (4-byte big-endian). */
function md5OfAttributes(attrs: Record<string, MessageAttributeValue>): string {
  const hash = createHash('md5');
  const field = (bytes: Buffer): void => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  };
  for (const name of Object.keys(attrs).sort()) {
    const attr = attrs[name];
    if (attr?.DataType === undefined) continue;
    field(Buffer.from(name, 'utf8'));
    field(Buffer.from(attr.DataType, 'utf8'));
    if (attr.BinaryValue !== undefined) {
      hash.update(Buffer.from([2]));
      field(Buffer.from(attr.BinaryValue));
    } else {
      hash.update(Buffer.from([1]));
      field(Buffer.from(attr.StringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}

describe('queues', () => {
  it('creates queues with attributes, ARNs and URLs like SQS, and finds them by name', async () => {
    const url = await createQueue({
      VisibilityTimeout: '45',
      MessageRetentionPeriod: '86400',
      DelaySeconds: '0',
    });
    const name = url.split('/').at(-1) ?? '';
    expect(url).toBe(`${emulator.endpoint}/000000000000/${name}`);
    const a = await attributes(url);
    expect(a).toMatchObject({
      QueueArn: `arn:aws:sqs:us-east-1:000000000000:${name}`,
      VisibilityTimeout: '45',
      MessageRetentionPeriod: '86400',
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
      ApproximateNumberOfMessagesDelayed: '0',
    });
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl).toBe(url);
    expect((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name }))).QueueUrls).toEqual([url]);

    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '60' } }));
    expect((await attributes(url)).VisibilityTimeout).toBe('60');
  });

  it('hands out queue URLs that reach it from a client configured without an endpoint', async () => {
    const url = await createQueue();
    // The SDK routes by QueueUrl when the client has no endpoint in code (as with AWS_ENDPOINT_URL_SQS).
    const plain = new SQSClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      logger: {
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
      },
    });
    // A body that looks like fauxqs's own URL form comes back untouched.
    const body = 'see http://sqs.us-east-1.localhost:4566/000000000000/other';
    await plain.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    const out = await plain.send(new ReceiveMessageCommand({ QueueUrl: url }));
    plain.destroy();
    expect(out.Messages?.map((m) => m.Body)).toEqual([body]);
  });

  it('reports a missing queue as QueueDoesNotExist', async () => {
    expect(await errorName(sqs.send(new GetQueueUrlCommand({ QueueName: 'no-such-queue' })))).toBe(
      'QueueDoesNotExist',
    );
    const missing = `${emulator.endpoint}/000000000000/no-such-queue`;
    expect(await errorName(sqs.send(new SendMessageCommand({ QueueUrl: missing, MessageBody: 'x' })))).toBe(
      'QueueDoesNotExist',
    );
  });

  it('purges every message', async () => {
    const url = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'b' }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    expect(await counts(url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });
});

describe('messages', () => {
  it('sends, receives with system and message attributes, and deletes', async () => {
    const url = await createQueue();
    const messageAttributes: Record<string, MessageAttributeValue> = {
      correlationId: { DataType: 'String', StringValue: 'delivery-1' },
      attempt: { DataType: 'Number', StringValue: '2' },
      blob: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 254, 255]) },
    };
    const body = '{"hello":"wörld"}';
    const sent = await sqs.send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageAttributes: messageAttributes }),
    );
    // The SDK already compared MD5OfMessageBody; attributes it does not check, so check them here.
    expect(sent.MD5OfMessageBody).toBe(createHash('md5').update(body, 'utf8').digest('hex'));
    expect(sent.MD5OfMessageAttributes).toBe(md5OfAttributes(messageAttributes));

    const [message, ...rest] = await receive(url);
    expect(rest).toEqual([]);
    expect(message).toMatchObject({
      MessageId: sent.MessageId,
      Body: body,
      MD5OfBody: sent.MD5OfMessageBody,
    });
    expect(message?.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(message?.MessageAttributes?.correlationId).toMatchObject({
      DataType: 'String',
      StringValue: 'delivery-1',
    });
    expect(message?.MessageAttributes?.attempt).toMatchObject({ DataType: 'Number', StringValue: '2' });
    expect(Buffer.from(message?.MessageAttributes?.blob?.BinaryValue ?? [])).toEqual(
      Buffer.from([0, 1, 254, 255]),
    );
    expect(message?.Attributes).toMatchObject({
      ApproximateReceiveCount: '1',
      SentTimestamp: expect.stringMatching(/^\d+$/) as unknown,
      ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/) as unknown,
      SenderId: expect.any(String) as unknown,
    });
    expect(await counts(url)).toEqual({ visible: 0, inFlight: 1, delayed: 0 });

    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message?.ReceiptHandle }));
    expect(await counts(url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('returns at most MaxNumberOfMessages', async () => {
    const url = await createQueue();
    for (let i = 0; i < 5; i += 1)
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `m${i}` }));
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 3 }));
    expect(out.Messages).toHaveLength(3);
    expect(
      await errorName(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 }))),
    ).toMatch(INVALID_PARAMETER_VALUE);
  });

  it('accepts a body of exactly 1 MiB and rejects one byte more', async () => {
    const url = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(MIB) }));
    expect(
      await errorName(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(MIB + 1) }))),
    ).toMatch(INVALID_PARAMETER_VALUE);
    const [message] = await receive(url);
    expect(message?.Body).toHaveLength(MIB);
  });

  // SQS's allowed set: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF. Characters
  // outside the BMP (an emoji in a customer name) are allowed; U+FFFE, U+FFFF, most controls and lone
  // surrogates are not. The emulator must refuse exactly what SQS refuses, or local mode hides the bug.
  it('accepts every character SQS allows, outside the BMP too, and refuses the ones SQS refuses', async () => {
    const url = await createQueue();
    const allowed = ['\t\n\r \u007f', '\ud7ff\ue000\ufffd', 'Zo\u00eb \u{1F600} \u{10000}\u{10FFFF}'];
    for (const body of allowed) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    expect((await receive(url)).map((m) => m.Body).sort()).toEqual([...allowed].sort());

    const refused = ['\uffff', '\ufffe', 'a\u0000', '\u0008', 'x\ud800', '\udc00y', '\ud83d'];
    for (const body of refused) {
      expect(
        await errorName(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }))),
        JSON.stringify(body),
      ).toMatch(/(^|\.)InvalidMessageContents$/);
    }
    const batch = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'emoji', MessageBody: '\u{1F600}' },
          { Id: 'ffff', MessageBody: '\uffff' },
          { Id: 'lone', MessageBody: '\ud800' },
        ],
      }),
    );
    expect(batch.Successful?.map((e) => e.Id)).toEqual(['emoji']);
    expect(batch.Failed?.map((e) => [e.Id, e.Code]).sort()).toEqual([
      ['ffff', 'InvalidMessageContents'],
      ['lone', 'InvalidMessageContents'],
    ]);
    expect((await receive(url)).map((m) => m.Body)).toEqual(['\u{1F600}']);
  });

  // SQS: "For string data types, the Value attribute has the same restrictions on the content as the message body."
  it('checks String and Number message attribute values with the same rule as bodies', async () => {
    const url = await createQueue();
    const attribute = (value: string) => ({ id: { DataType: 'String', StringValue: value } });
    await sqs.send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: 'ok', MessageAttributes: attribute('Zoë 😀') }),
    );
    for (const value of ['\uffff', 'a\ufffe', '\u0000', 'x\ud800']) {
      expect(
        await errorName(
          sqs.send(
            new SendMessageCommand({ QueueUrl: url, MessageBody: 'b', MessageAttributes: attribute(value) }),
          ),
        ),
        JSON.stringify(value),
      ).toMatch(/(^|\.)InvalidMessageContents$/);
    }
    const batch = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'good', MessageBody: 'g', MessageAttributes: attribute('😀') },
          { Id: 'bad', MessageBody: 'b', MessageAttributes: attribute('\uffff') },
          {
            Id: 'number',
            MessageBody: 'n',
            MessageAttributes: { n: { DataType: 'Number', StringValue: '1\ufffe' } },
          },
        ],
      }),
    );
    expect(batch.Successful?.map((e) => e.Id)).toEqual(['good']);
    expect(batch.Failed?.map((e) => [e.Id, e.Code, e.SenderFault]).sort()).toEqual([
      ['bad', 'InvalidMessageContents', true],
      ['number', 'InvalidMessageContents', true],
    ]);
    const all = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [{ Id: 'only', MessageBody: 'o', MessageAttributes: attribute('\uffff') }],
      }),
    );
    expect(all.Successful ?? []).toEqual([]);
    expect(all.Failed?.map((e) => e.Id)).toEqual(['only']);
    const bodies = (await receive(url)).map((m) => [m.Body, m.MessageAttributes?.id?.StringValue]);
    expect(bodies.sort()).toEqual([
      ['g', '😀'],
      ['ok', 'Zoë 😀'],
    ]);
  });

  it('holds back a delayed message until its delay has passed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const url = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 60 }));
    expect(await counts(url)).toEqual({ visible: 0, inFlight: 0, delayed: 1 });
    expect(await receive(url)).toEqual([]);
    vi.setSystemTime(Date.now() + 61_000);
    expect((await receive(url)).map((m) => m.Body)).toEqual(['later']);
  });
});

describe('batches', () => {
  it('sends a batch and answers per entry', async () => {
    const url = await createQueue({ MaximumMessageSize: '1024' });
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'a', MessageBody: 'first' },
          { Id: 'b', MessageBody: 'x'.repeat(2048) },
          { Id: 'c', MessageBody: 'third', DelaySeconds: 60 },
        ],
      }),
    );
    expect(out.Successful?.map((e) => e.Id).sort()).toEqual(['a', 'c']);
    expect(out.Successful?.find((e) => e.Id === 'a')?.MD5OfMessageBody).toBe(
      createHash('md5').update('first').digest('hex'),
    );
    expect(out.Failed).toMatchObject([{ Id: 'b', SenderFault: true, Code: 'InvalidParameterValue' }]);
    expect(await counts(url)).toEqual({ visible: 1, inFlight: 0, delayed: 1 });
  });

  it('rejects more than 10 entries, repeated ids, and a batch over 1 MiB in total', async () => {
    const url = await createQueue();
    const entries = (n: number, size = 1) =>
      Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x'.repeat(size) }));
    expect(
      await errorName(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries(11) }))),
    ).toBe('TooManyEntriesInBatchRequest');
    expect(
      await errorName(
        sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: url,
            Entries: [
              { Id: 'same', MessageBody: 'a' },
              { Id: 'same', MessageBody: 'b' },
            ],
          }),
        ),
      ),
    ).toBe('BatchEntryIdsNotDistinct');
    expect(
      await errorName(
        sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries(2, MIB / 2 + 1) })),
      ),
    ).toBe('BatchRequestTooLong');
    expect(await errorName(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] })))).toBe(
      'EmptyBatchRequest',
    );
    expect(await counts(url)).toMatchObject({ visible: 0 });
  });

  it('deletes and changes visibility in batches, failing only the bad entries', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const url = await createQueue({ VisibilityTimeout: '30' });
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: ['a', 'b', 'c'].map((id) => ({ Id: id, MessageBody: id })),
      }),
    );
    const messages = await receive(url);
    expect(messages).toHaveLength(3);
    const [a, b, c] = messages;

    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: [{ Id: 'a', ReceiptHandle: a?.ReceiptHandle }],
      }),
    );
    expect(deleted.Successful?.map((e) => e.Id)).toEqual(['a']);

    const changed = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'b', ReceiptHandle: b?.ReceiptHandle, VisibilityTimeout: 0 },
          { Id: 'c', ReceiptHandle: c?.ReceiptHandle, VisibilityTimeout: 300 },
          { Id: 'bogus', ReceiptHandle: 'not-a-receipt-handle', VisibilityTimeout: 0 },
        ],
      }),
    );
    expect(changed.Successful?.map((e) => e.Id).sort()).toEqual(['b', 'c']);
    expect(changed.Failed).toMatchObject([
      { Id: 'bogus', SenderFault: true, Code: 'ReceiptHandleIsInvalid' },
    ]);
    const [again] = await receive(url);
    expect(again?.Body).toBe('b');
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again?.ReceiptHandle }));
    vi.setSystemTime(Date.now() + 31_000);
    expect(await receive(url)).toEqual([]);
    vi.setSystemTime(Date.now() + 300_000);
    expect((await receive(url)).map((m) => m.Body)).toEqual(['c']);
  });
});

describe('visibility', () => {
  it('hides a received message for the visibility timeout, then redelivers it with a higher receive count', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const url = await createQueue({ VisibilityTimeout: '30' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'm' }));
    const [first] = await receive(url);
    expect(first?.Attributes?.ApproximateReceiveCount).toBe('1');

    vi.setSystemTime(Date.now() + 29_000);
    expect(await receive(url)).toEqual([]);
    vi.setSystemTime(Date.now() + 2_000);
    const [second] = await receive(url);
    expect(second?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(second?.Attributes?.ApproximateFirstReceiveTimestamp).toBe(
      first?.Attributes?.ApproximateFirstReceiveTimestamp,
    );
    expect(second?.ReceiptHandle).not.toBe(first?.ReceiptHandle);
  });

  it('ignores a delete with the receipt handle of an earlier receive, as SQS may', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const url = await createQueue({ VisibilityTimeout: '30' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'm' }));
    const [first] = await receive(url);
    vi.setSystemTime(Date.now() + 31_000);
    const [second] = await receive(url);
    // SQS: the call succeeds but only the latest receipt handle is sure to delete.
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first?.ReceiptHandle }));
    expect(await counts(url)).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second?.ReceiptHandle }));
    expect(await counts(url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('honours a VisibilityTimeout given on receive', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const url = await createQueue({ VisibilityTimeout: '30' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'm' }));
    await receive(url, { VisibilityTimeout: 600 });
    vi.setSystemTime(Date.now() + 31_000);
    expect(await receive(url)).toEqual([]);
    vi.setSystemTime(Date.now() + 600_000);
    expect(await receive(url)).toHaveLength(1);
  });

  it('changes the visibility of one message: 0 returns it at once, more keeps it hidden longer', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const url = await createQueue({ VisibilityTimeout: '30' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'm' }));
    const [first] = await receive(url);
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: first?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const [second] = await receive(url);
    expect(second?.MessageId).toBe(first?.MessageId);

    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: second?.ReceiptHandle,
        VisibilityTimeout: 120,
      }),
    );
    vi.setSystemTime(Date.now() + 60_000);
    expect(await receive(url)).toEqual([]);
    vi.setSystemTime(Date.now() + 61_000);
    expect(await receive(url)).toHaveLength(1);
  });
});

describe('redrive', () => {
  it('moves a message to the DLQ instead of delivering it more than maxReceiveCount times', async () => {
    const dlqUrl = await createQueue();
    const dlqArn = (await attributes(dlqUrl)).QueueArn ?? '';
    const redrive = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 });
    const url = await createQueue({ VisibilityTimeout: '0', RedrivePolicy: redrive });
    expect(JSON.parse((await attributes(url)).RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: dlqArn,
      maxReceiveCount: 3,
    });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));

    const receiveCounts: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      for (const m of await receive(url)) receiveCounts.push(m.Attributes?.ApproximateReceiveCount ?? '?');
    }
    expect(receiveCounts).toEqual(['1', '2', '3']);
    expect(await counts(url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    const [dead] = await receive(dlqUrl);
    expect(dead).toMatchObject({ MessageId: sent.MessageId, Body: 'poison' });
  });
});

describe('long polling', () => {
  // Give the receive time to reach the server first, so the send really has to wake it.
  const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

  it('answers a waiting receive as soon as a message arrives', async () => {
    const url = await createQueue();
    const waiting = receive(url, { WaitTimeSeconds: 20 });
    await settle();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'wake up' }));
    // Resolving at all within the test timeout (well under the 20 s wait) is the point.
    expect((await waiting).map((m) => m.Body)).toEqual(['wake up']);
  }, 10_000);

  it('uses the queue ReceiveMessageWaitTimeSeconds when the receive gives none', async () => {
    const url = await createQueue({ ReceiveMessageWaitTimeSeconds: '20' });
    const waiting = receive(url);
    await settle();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'late' }));
    expect((await waiting).map((m) => m.Body)).toEqual(['late']);
  }, 10_000);
});
