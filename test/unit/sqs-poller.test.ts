// The event source mapping stand-in against the local SQS emulator, with the real SDK client: batches, partial
// batch responses, retries through the visibility timeout, redrive to the DLQ.
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { QueueAttributeName } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSqsWithClient, stopSqsWithClient } from '../helpers/sqs-emulator.ts';
import type { SqsEmulator } from '../../local/sqs/emulator.ts';
import { startPoller } from '../../local/sqs/poller.ts';
import type { Poller, PollerOptions } from '../../local/sqs/poller.ts';
import type { PollerError } from '../../local/sqs/poller-error.ts';

let emulator: SqsEmulator;
let sqs: SQSClient;
let queueCounter = 0;
const pollers: Poller[] = [];
let errors: PollerError[] = [];

beforeAll(async () => {
  ({ emulator, sqs } = await startSqsWithClient());
});

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop()));
  errors = [];
  vi.useRealTimers();
});

afterAll(async () => {
  await stopSqsWithClient({ emulator, sqs });
});

interface TestQueue {
  url: string;
  arn: string;
  dlqUrl: string;
}

async function arnOf(url: string): Promise<string> {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return out.Attributes?.QueueArn ?? '';
}

/** A queue with its own DLQ, like the module's queues. */
async function createQueue(visibilityTimeout: number, maxReceiveCount = 5): Promise<TestQueue> {
  queueCounter += 1;
  const name = `poll${queueCounter}-${Math.random().toString(36).slice(2, 8)}`;
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const dlqUrl = dlq.QueueUrl ?? '';
  const attributes: Partial<Record<QueueAttributeName, string>> = {
    VisibilityTimeout: String(visibilityTimeout),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await arnOf(dlqUrl), maxReceiveCount }),
  };
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const url = queue.QueueUrl ?? '';
  return { url, arn: await arnOf(url), dlqUrl };
}

async function counts(url: string): Promise<{ visible: number; inFlight: number }> {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  return {
    visible: Number(out.Attributes?.ApproximateNumberOfMessages),
    inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible),
  };
}

async function sendBodies(url: string, bodies: string[]): Promise<void> {
  for (let start = 0; start < bodies.length; start += 10) {
    const entries = bodies
      .slice(start, start + 10)
      .map((body, i) => ({ Id: `m${start + i}`, MessageBody: body }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
  }
}

type Handler = PollerOptions['handler'];

function poll(queue: TestQueue, handler: Handler, extra: Partial<PollerOptions> = {}): Poller {
  const poller = startPoller({
    sqs,
    queueUrl: queue.url,
    queueArn: queue.arn,
    functionName: 'hydrate',
    handler,
    // Short polls: idle() then answers as soon as the queue has nothing visible.
    waitTimeSeconds: 0,
    onError: (error) => errors.push(error),
    ...extra,
  });
  pollers.push(poller);
  return poller;
}

describe('event and context', () => {
  it('invokes the handler with records and a context shaped like Lambda', async () => {
    const queue = await createQueue(30);
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: '{"id":1}',
        MessageAttributes: {
          correlation_id: { DataType: 'String', StringValue: 'd-1' },
          blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
        },
      }),
    );
    const seen: { event: SQSEvent; context: Context; remaining: number }[] = [];
    const poller = poll(
      queue,
      (event, context) => {
        seen.push({ event, context, remaining: context.getRemainingTimeInMillis() });
        return Promise.resolve();
      },
      { timeoutMs: 20_000, memoryLimitInMB: 512 },
    );
    await poller.idle();

    expect(seen).toHaveLength(1);
    const { event, context, remaining } = seen[0] ?? expect.fail('no invocation');
    expect(event.Records).toEqual([
      {
        messageId: sent.MessageId,
        receiptHandle: expect.any(String) as unknown,
        body: '{"id":1}',
        attributes: expect.objectContaining({
          ApproximateReceiveCount: '1',
          SentTimestamp: expect.stringMatching(/^\d+$/) as unknown,
          SenderId: expect.any(String) as unknown,
          ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/) as unknown,
        }) as unknown,
        messageAttributes: {
          correlation_id: {
            stringValue: 'd-1',
            stringListValues: [],
            binaryListValues: [],
            dataType: 'String',
          },
          blob: { binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
        },
        md5OfBody: sent.MD5OfMessageBody,
        md5OfMessageAttributes: sent.MD5OfMessageAttributes,
        eventSource: 'aws:sqs',
        eventSourceARN: queue.arn,
        awsRegion: 'us-east-1',
      },
    ]);
    expect(context).toMatchObject({
      functionName: 'hydrate',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:hydrate',
      memoryLimitInMB: '512',
      awsRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      logGroupName: '/aws/lambda/hydrate',
    });
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(20_000);
    expect(await counts(queue.url)).toEqual({ visible: 0, inFlight: 0 });
    expect(errors).toEqual([]);
  });

  it('gathers up to batchSize records within the batching window', async () => {
    const queue = await createQueue(30);
    await sendBodies(
      queue.url,
      Array.from({ length: 25 }, (_, i) => `m${i}`),
    );
    const sizes: number[] = [];
    const poller = poll(
      queue,
      (event) => {
        sizes.push(event.Records.length);
        return Promise.resolve();
      },
      { batchSize: 25, maxBatchingWindowMs: 1_000 },
    );
    await poller.idle();
    expect(sizes).toEqual([25]);
  });

  it('refuses settings the event source mapping refuses', () => {
    const queue = {
      url: 'http://127.0.0.1:1/000000000000/q',
      arn: 'arn:aws:sqs:us-east-1:000000000000:q',
      dlqUrl: '',
    };
    const handler: Handler = () => Promise.resolve();
    expect(() => poll(queue, handler, { batchSize: 11 })).toThrow(RangeError);
    expect(() => poll(queue, handler, { batchSize: 0 })).toThrow(RangeError);
    expect(() => poll({ ...queue, arn: 'not-an-arn' }, handler)).toThrow(TypeError);
  });
});

describe('partial batch responses', () => {
  it('deletes the records that succeeded and leaves the failed one for a later receive', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const queue = await createQueue(30);
    await sendBodies(queue.url, ['ok-1', 'fail-once', 'ok-2']);
    const received: string[] = [];
    const poller = poll(queue, (event): Promise<SQSBatchResponse> => {
      const batchItemFailures = [];
      for (const record of event.Records) {
        received.push(`${record.body}#${record.attributes.ApproximateReceiveCount}`);
        if (record.body === 'fail-once' && record.attributes.ApproximateReceiveCount === '1') {
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      return Promise.resolve({ batchItemFailures });
    });
    await poller.idle();
    expect(received.sort()).toEqual(['fail-once#1', 'ok-1#1', 'ok-2#1']);
    expect(await counts(queue.url)).toEqual({ visible: 0, inFlight: 1 });

    // After the visibility timeout the failed record comes back, with its receive count raised.
    vi.setSystemTime(Date.now() + 31_000);
    await poller.idle();
    expect(received.at(-1)).toBe('fail-once#2');
    expect(await counts(queue.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('deletes nothing when the handler throws', async () => {
    const queue = await createQueue(30);
    await sendBodies(queue.url, ['a', 'b', 'c']);
    const poller = poll(queue, () => Promise.reject(new Error('downstream is down')));
    await poller.idle();
    expect(await counts(queue.url)).toEqual({ visible: 0, inFlight: 3 });
    expect(errors.map((e) => [e.stage, (e.cause as Error).message])).toEqual([
      ['invoke', 'downstream is down'],
    ]);
  });

  it('fails the whole batch when an itemIdentifier is not in the batch', async () => {
    const queue = await createQueue(30);
    await sendBodies(queue.url, ['a', 'b']);
    const poller = poll(queue, () =>
      Promise.resolve({ batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] }),
    );
    await poller.idle();
    expect(await counts(queue.url)).toEqual({ visible: 0, inFlight: 2 });
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('not-in-batch') as unknown]);
  });

  it('fails the whole batch when an entry has no itemIdentifier', async () => {
    const queue = await createQueue(30);
    await sendBodies(queue.url, ['a']);
    const poller = poll(queue, () => Promise.resolve({ batchItemFailures: [{ itemIdentifier: '' }] }));
    await poller.idle();
    expect(await counts(queue.url)).toEqual({ visible: 0, inFlight: 1 });
  });

  it('fails the whole batch when the handler runs past its timeout', async () => {
    const queue = await createQueue(30);
    await sendBodies(queue.url, ['slow']);
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const poller = poll(queue, () => gate, { timeoutMs: 20 });
    await poller.idle();
    release();
    expect(await counts(queue.url)).toEqual({ visible: 0, inFlight: 1 });
    expect((errors[0]?.cause as Error | undefined)?.message).toMatch(/^Task timed out after/);
  });

  it('keeps a failed record whose visibility the handler extended until that delay has passed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const queue = await createQueue(30);
    await sendBodies(queue.url, ['rate-limited']);
    const receiveCounts: string[] = [];
    const poller = poll(queue, async (event) => {
      const [record] = event.Records;
      if (record === undefined) return;
      receiveCounts.push(record.attributes.ApproximateReceiveCount);
      if (record.attributes.ApproximateReceiveCount !== '1') return;
      // What deliver does on a 429: hide the message for Retry-After seconds, report it failed.
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queue.url,
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: 600,
        }),
      );
      return { batchItemFailures: [{ itemIdentifier: record.messageId }] };
    });
    await poller.idle();
    expect(await counts(queue.url)).toEqual({ visible: 0, inFlight: 1 });
    vi.setSystemTime(Date.now() + 60_000);
    await poller.idle();
    expect(receiveCounts).toEqual(['1']);
    vi.setSystemTime(Date.now() + 541_000);
    await poller.idle();
    expect(receiveCounts).toEqual(['1', '2']);
    expect(await counts(queue.url)).toEqual({ visible: 0, inFlight: 0 });
  });
});

describe('redrive', () => {
  it('moves a record that keeps failing to the DLQ after maxReceiveCount receives', async () => {
    // Visibility 0: a failed record is visible again at once, so each loop is one more receive.
    const queue = await createQueue(0, 3);
    await sendBodies(queue.url, ['poison', 'fine']);
    const receiveCounts: string[] = [];
    const poller = poll(queue, (event) =>
      Promise.resolve({
        batchItemFailures: event.Records.filter((r) => r.body === 'poison').map((r) => {
          receiveCounts.push(r.attributes.ApproximateReceiveCount);
          return { itemIdentifier: r.messageId };
        }),
      }),
    );
    await poller.idle();
    expect(receiveCounts).toEqual(['1', '2', '3']);
    expect(await counts(queue.url)).toEqual({ visible: 0, inFlight: 0 });
    const dead = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl, MaxNumberOfMessages: 10 }),
    );
    expect(dead.Messages?.map((m) => m.Body)).toEqual(['poison']);
  });
});

describe('stopping', () => {
  it('lets the batch in hand finish, deletes it, then stops', async () => {
    const queue = await createQueue(30);
    await sendBodies(queue.url, ['in-hand']);
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered = (): void => undefined;
    const started = new Promise<void>((resolve) => (entered = resolve));
    const poller = poll(queue, async () => {
      entered();
      await gate;
    });
    await started;
    let stopped = false;
    const stopping = poller.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await counts(queue.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('stops a long poll in progress at once', async () => {
    const queue = await createQueue(30);
    const poller = poll(queue, () => Promise.resolve(), { waitTimeSeconds: 20 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Resolving at all within the test timeout (well under the 20 s poll) is the point.
    await poller.stop();
    expect(errors).toEqual([]);
  }, 10_000);
});
