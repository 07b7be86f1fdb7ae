// For the ingest benchmark's `--emulators instant`: real SDK clients whose HTTP handler answers every DynamoDB
// and SQS call at once, in process, with a success. It measures what ingest itself costs per request (our
// code, middy, the SDK's serialisation and signing), apart from how fast DynamoDB and SQS answer.
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DELIVER_QUEUE_KEYS, type DeliverQueueKey } from '../../functions/shared/stage/deliver-families.ts';
import { DEFAULT_MAX_RECEIVE_COUNT, type LocalAws, type QueuePair } from '../../local/emulators.ts';

interface HttpRequestLike {
  headers: Record<string, string>;
  body?: unknown;
}

const SendMessageBatchRequest = (body: string) =>
  JSON.parse(body) as { Entries?: { Id: string; MessageBody: string }[] };

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** The answer DynamoDB or SQS gives to a successful call of this operation (JSON protocols). */
function answer(target: string, body: string): unknown {
  switch (target) {
    case 'DynamoDB_20120810.BatchWriteItem':
      return { UnprocessedItems: {} };
    case 'AmazonSQS.SendMessageBatch':
      return {
        Successful: (SendMessageBatchRequest(body).Entries ?? []).map((entry) => ({
          Id: entry.Id,
          MessageId: randomUUID(),
          MD5OfMessageBody: md5(entry.MessageBody),
        })),
        Failed: [],
      };
    default:
      // PutItem, UpdateItem, DeleteItem (no ReturnValues), PurgeQueue: an empty object.
      return {};
  }
}

const instantHandler = {
  metadata: { handlerProtocol: 'http/1.1' },
  handle(request: HttpRequestLike) {
    const target = request.headers['x-amz-target'] ?? '';
    const body =
      typeof request.body === 'string'
        ? request.body
        : request.body instanceof Uint8Array
          ? Buffer.from(request.body).toString('utf8')
          : '';
    const payload = Buffer.from(JSON.stringify(answer(target, body)));
    return Promise.resolve({
      response: {
        statusCode: 200,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'content-length': String(payload.length),
          'x-amzn-requestid': randomUUID(),
        },
        body: Readable.from([payload]),
      },
    });
  },
  updateHttpClientConfig() {},
  httpHandlerConfigs: () => ({}),
  destroy() {},
};

export function instantAws(): LocalAws {
  const config = {
    region: 'us-east-1',
    endpoint: 'http://instant.invalid',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    requestHandler: instantHandler,
  };
  const queue = (name: string, stage: keyof typeof DEFAULT_MAX_RECEIVE_COUNT): QueuePair => ({
    url: `http://instant.invalid/000000000000/${name}`,
    arn: `arn:aws:sqs:us-east-1:000000000000:${name}`,
    dlqUrl: `http://instant.invalid/000000000000/${name}-dlq`,
    maxReceiveCount: DEFAULT_MAX_RECEIVE_COUNT[stage],
  });
  // Every family's deliver queue, as local mode has them (the events family's is `deliver`).
  const deliverQueues = Object.fromEntries(
    DELIVER_QUEUE_KEYS.map((key) => [key, queue(key, 'deliver')]),
  ) as Record<DeliverQueueKey, QueuePair>;
  return {
    dynamodb: new DynamoDBClient(config),
    sqs: new SQSClient(config),
    // No claim check in this benchmark: its bodies are small, so nothing is stored (a store would fail here).
    s3: new S3Client({ ...config, forcePathStyle: true }),
    payloadBucket: 'instant-payloads',
    sqsEndpoint: config.endpoint,
    dynamodbEndpoint: config.endpoint,
    tableName: 'instant-dedupe',
    hydrate: queue('hydrate', 'hydrate'),
    deliver: deliverQueues.deliver,
    deliverQueues,
    close: () => Promise.resolve(),
  };
}
