// The parts `npm run deploy:local` runs the deployed functions with (scripts/local-aws/), without moto: the
// queues found from the event source mappings (every page, every queue, not a list of stages), what is set aside
// for the functions and put back, a fresh container after one died, and the runner itself — ingest behind the
// local endpoint, one poller per mapping against the SQS emulator, logs shipped. The same parts run against moto
// in test/infra/moto-apply.test.ts.
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventSourceQueues, functionNameOf } from '../../scripts/local-aws/event-source-queues.ts';
import type { EventSourceQueue } from '../../scripts/local-aws/event-source-queues.ts';
import { startFunctionRunner, type RunnableFunction } from '../../scripts/local-aws/function-runner.ts';
import type { LambdaContainer } from '../../scripts/local-aws/lambda-container.ts';
import { restartingContainer } from '../../scripts/local-aws/restarting-container.ts';
import { setAsideForLocalFunctions } from '../../scripts/local-aws/set-aside.ts';
import { startSqsWithClient, stopSqsWithClient, type SqsWithClient } from '../helpers/sqs-emulator.ts';
import { waitFor } from '../helpers/wait.ts';

interface Command {
  constructor: { name: string };
  input: Record<string, unknown>;
}

/** A client whose send answers by command name; what it was sent is kept. */
function fakeClient<T>(answer: (name: string, input: Record<string, unknown>) => unknown) {
  const sent: { name: string; input: Record<string, unknown> }[] = [];
  const client = {
    send: async (command: Command) => {
      await Promise.resolve();
      const name = command.constructor.name;
      sent.push({ name, input: command.input });
      return answer(name, command.input);
    },
  };
  return { client: client as unknown as T, sent };
}

let sqs: SqsWithClient;
beforeAll(async () => {
  sqs = await startSqsWithClient();
});
afterAll(async () => {
  await stopSqsWithClient(sqs);
});

async function queue(name: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { url: QueueUrl ?? '', arn: Attributes?.QueueArn ?? '' };
}

const lambdaArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

describe('eventSourceQueues', () => {
  it("reads every page of mappings, keeps the SQS ones and finds each queue's URL", async () => {
    const hydrate = await queue('esq-hydrate');
    const deliver = await queue('esq-deliver');
    const deliverBulk = await queue('esq-deliver-bulk');
    const pages: Record<string, unknown> = {
      first: {
        EventSourceMappings: [
          { UUID: 'u1', FunctionArn: lambdaArn('relay-hydrate'), EventSourceArn: hydrate.arn, BatchSize: 10 },
          {
            UUID: 'u0',
            FunctionArn: lambdaArn('relay-other'),
            EventSourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x',
          },
        ],
        NextMarker: 'page-2',
      },
      'page-2': {
        EventSourceMappings: [
          {
            UUID: 'u2',
            FunctionArn: `${lambdaArn('relay-deliver')}:live`,
            EventSourceArn: deliver.arn,
            BatchSize: 50,
            MaximumBatchingWindowInSeconds: 2,
          },
          { UUID: 'u3', FunctionArn: lambdaArn('relay-deliver'), EventSourceArn: deliverBulk.arn },
        ],
      },
    };
    const { client: lambda } = fakeClient<LambdaClient>(
      (_, input) => pages[(input.Marker as string | undefined) ?? 'first'],
    );
    const queues = await eventSourceQueues(lambda, sqs.sqs);
    expect(queues).toEqual([
      {
        uuid: 'u2',
        functionName: 'relay-deliver',
        queueArn: deliver.arn,
        queueUrl: deliver.url,
        batchSize: 50,
        maxBatchingWindowMs: 2000,
      },
      {
        uuid: 'u3',
        functionName: 'relay-deliver',
        queueArn: deliverBulk.arn,
        queueUrl: deliverBulk.url,
        batchSize: 10,
        maxBatchingWindowMs: 0,
      },
      {
        uuid: 'u1',
        functionName: 'relay-hydrate',
        queueArn: hydrate.arn,
        queueUrl: hydrate.url,
        batchSize: 10,
        maxBatchingWindowMs: 0,
      },
    ]);
  });

  it('refuses what is not a function ARN', () => {
    expect(functionNameOf(lambdaArn('x'))).toBe('x');
    expect(() => functionNameOf('arn:aws:sqs:us-east-1:000000000000:q')).toThrow(/not a Lambda function ARN/);
  });
});

describe('setAsideForLocalFunctions', () => {
  const TLS_ONLY = '{"Statement":[{"Effect":"Deny","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}';

  it('disables the enabled mappings and lifts TLS-only policies; restore puts both back once', async () => {
    const { client: lambda, sent: lambdaCalls } = fakeClient<LambdaClient>((name) =>
      name === 'ListEventSourceMappingsCommand'
        ? {
            EventSourceMappings: [
              { UUID: 'a', State: 'Enabled' },
              { UUID: 'b', State: 'Disabled' },
              { UUID: 'c', State: 'Enabled' },
            ],
          }
        : {},
    );
    const policies: Record<string, string> = {
      archive: TLS_ONLY,
      payloads: TLS_ONLY,
      other: '{"Statement":[]}',
    };
    const { client: s3 } = fakeClient<S3Client>((name, input) => {
      const bucket = input.Bucket as string;
      if (name === 'GetBucketPolicyCommand') {
        if (!(bucket in policies))
          throw Object.assign(new Error('no policy'), { name: 'NoSuchBucketPolicy' });
        return { Policy: policies[bucket] };
      }
      if (name === 'DeleteBucketPolicyCommand') delete policies[bucket];
      if (name === 'PutBucketPolicyCommand') policies[bucket] = input.Policy as string;
      return {};
    });
    const setAside = await setAsideForLocalFunctions({
      lambda,
      s3,
      buckets: ['archive', 'payloads', 'other', 'none'],
    });
    const updates = () =>
      lambdaCalls.filter((c) => c.name === 'UpdateEventSourceMappingCommand').map((c) => c.input);
    expect(setAside.mappings).toEqual(['a', 'c']);
    expect(setAside.buckets).toEqual(['archive', 'payloads']);
    expect(updates()).toEqual([
      { UUID: 'a', Enabled: false },
      { UUID: 'c', Enabled: false },
    ]);
    expect(Object.keys(policies)).toEqual(['other']);

    await setAside.restore();
    await setAside.restore();
    expect(updates().slice(2)).toEqual([
      { UUID: 'a', Enabled: true },
      { UUID: 'c', Enabled: true },
    ]);
    expect(policies).toMatchObject({ archive: TLS_ONLY, payloads: TLS_ONLY });
  });
});

/** A container that answers with `answer` and exits (as after a timeout) when told to. */
function fakeContainer(id: number, answer: (event: unknown) => unknown) {
  let exited = false;
  let output = '';
  const container: LambdaContainer = {
    nodeVersion: 'v22',
    environment: [],
    invocations: 0,
    get exited() {
      return exited;
    },
    invoke: (event) => {
      if (exited) return Promise.reject(new Error('the container exited'));
      output += `container ${id} ran\n`;
      return Promise.resolve(answer(event));
    },
    output: () => output,
    stop: () => {
      exited = true;
      return Promise.resolve();
    },
  };
  return { container, die: () => (exited = true) };
}

describe('restartingContainer', () => {
  it('starts a fresh container for the next invocation after one died, and ships every line once', async () => {
    const started: ReturnType<typeof fakeContainer>[] = [];
    const containers = await restartingContainer(() => {
      const next = fakeContainer(started.length + 1, (event) => ({ echo: event }));
      started.push(next);
      return Promise.resolve(next.container);
    });
    expect(await containers.invoke(1)).toEqual({ echo: 1 });
    started[0]?.die();
    const [a, b] = await Promise.all([containers.invoke(2), containers.invoke(3)]);
    expect([a, b]).toEqual([{ echo: 2 }, { echo: 3 }]);
    expect(started).toHaveLength(2);
    expect(containers.newOutput()).toBe('container 1 ran\ncontainer 2 ran\ncontainer 2 ran\n');
    expect(containers.newOutput()).toBe('');
    await containers.stop();
    await expect(containers.invoke(4)).rejects.toThrow(/stopped/);
  });
});

/** A function that records the message bodies it was invoked with and fails those `fails` names. */
function fakeFunction(name: string, fails: (body: string) => boolean = () => false) {
  const bodies: string[] = [];
  let shipped = 0;
  const fn: RunnableFunction = {
    name,
    timeoutSeconds: 5,
    invoke: (event) => {
      const records = (event as SQSEvent).Records;
      bodies.push(...records.map((r) => r.body));
      const failed = records.filter((r) => fails(r.body)).map((r) => ({ itemIdentifier: r.messageId }));
      return Promise.resolve({ batchItemFailures: failed });
    },
    shipLogs: () => Promise.resolve(++shipped),
  };
  return { fn, bodies, shipments: () => shipped };
}

describe('startFunctionRunner', () => {
  const mapping = (functionName: string, q: { url: string; arn: string }): EventSourceQueue => ({
    uuid: q.arn,
    functionName,
    queueArn: q.arn,
    queueUrl: q.url,
    batchSize: 10,
    maxBatchingWindowMs: 0,
  });

  it('serves ingest on its endpoint and polls every mapped queue with the function it names', async () => {
    const hydrateQueue = await queue('run-hydrate');
    const deliverQueues = [await queue('run-deliver-events'), await queue('run-deliver-profiles')];
    const seen: unknown[] = [];
    const ingest: RunnableFunction = {
      name: 'relay-ingest',
      timeoutSeconds: 5,
      invoke: (event) => {
        seen.push(event);
        return Promise.resolve({ statusCode: 202, body: '{"accepted":1}', headers: { 'x-from': 'ingest' } });
      },
      shipLogs: () => Promise.resolve(0),
    };
    const hydrate = fakeFunction('relay-hydrate');
    const deliver = fakeFunction('relay-deliver', (body) => body === 'fails');
    const problems: string[] = [];
    const runner = await startFunctionRunner({
      sqs: sqs.sqs,
      ingest,
      functions: [hydrate.fn, deliver.fn],
      queues: [
        mapping('relay-hydrate', hydrateQueue),
        ...deliverQueues.map((q) => mapping('relay-deliver', q)),
      ],
      port: 0,
      waitTimeSeconds: 0,
      logIntervalMs: 20,
      report: (message) => problems.push(message),
    });
    try {
      const answer = await fetch(`${runner.webhookBaseUrl}/demo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-demo-delivery-id': 'd-1' },
        body: '{"id":1}',
      });
      expect(answer.status).toBe(202);
      expect(answer.headers.get('x-from')).toBe('ingest');
      expect(await answer.text()).toBe('{"accepted":1}');
      expect(seen).toEqual([
        expect.objectContaining({
          rawPath: '/webhooks/demo',
          pathParameters: { source: 'demo' },
          body: '{"id":1}',
          headers: expect.objectContaining({ 'x-demo-delivery-id': 'd-1' }) as unknown,
        }),
      ]);

      const send = (q: { url: string }, body: string) =>
        sqs.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: body }));
      await send(hydrateQueue, 'to hydrate');
      await send(deliverQueues[0] ?? hydrateQueue, 'events');
      await send(deliverQueues[1] ?? hydrateQueue, 'profiles');
      await send(deliverQueues[1] ?? hydrateQueue, 'fails');
      await waitFor('every queue polled', () => hydrate.bodies.length === 1 && deliver.bodies.length >= 3);
      expect(hydrate.bodies).toEqual(['to hydrate']);
      expect([...new Set(deliver.bodies)].sort()).toEqual(['events', 'fails', 'profiles']);
      await waitFor('logs shipped on the interval', () => hydrate.shipments() > 1 && deliver.shipments() > 1);
    } finally {
      await runner.stop();
    }
    expect(problems).toEqual([]);
  });

  it('refuses a mapping that names a function it does not run', async () => {
    const q = await queue('run-unknown');
    const hydrate = fakeFunction('relay-hydrate');
    await expect(
      startFunctionRunner({
        sqs: sqs.sqs,
        ingest: hydrate.fn,
        functions: [hydrate.fn],
        queues: [mapping('relay-deliver', q)],
        port: 0,
        report: () => undefined,
      }),
    ).rejects.toThrow(/mappings name functions this runner does not run: .*run-unknown → relay-deliver/);
  });
});
