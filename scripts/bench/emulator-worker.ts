// Runs local/emulators.ts `startLocalAws()` in a worker thread and gives the benchmark clients of its own
// pointed at it, so the emulators' CPU is not charged to the handler being measured (in AWS, DynamoDB and
// SQS do their work on other machines).
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startLocalAws, type LocalAws } from '../../local/emulators.ts';

interface Endpoints {
  dynamodb: string;
  sqs: string;
  tableName: string;
  payloadBucket: string;
  hydrate: LocalAws['hydrate'];
  deliver: LocalAws['deliver'];
  deliverQueues: LocalAws['deliverQueues'];
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'us-east-1';

export async function startLocalAwsInWorker(): Promise<LocalAws> {
  const worker = new Worker(new URL(import.meta.url), { execArgv: ['--import', 'tsx'] });
  const endpoints = await new Promise<Endpoints>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const dynamodb = new DynamoDBClient({ endpoint: endpoints.dynamodb, region, credentials });
  const sqs = new SQSClient({ endpoint: endpoints.sqs, region, credentials });
  // fauxqs serves S3 on the SQS port.
  const s3 = new S3Client({ endpoint: endpoints.sqs, region, credentials, forcePathStyle: true });
  return {
    dynamodb,
    sqs,
    s3,
    payloadBucket: endpoints.payloadBucket,
    sqsEndpoint: endpoints.sqs,
    dynamodbEndpoint: endpoints.dynamodb,
    tableName: endpoints.tableName,
    hydrate: endpoints.hydrate,
    deliver: endpoints.deliver,
    deliverQueues: endpoints.deliverQueues,
    async close() {
      dynamodb.destroy();
      sqs.destroy();
      s3.destroy();
      worker.postMessage('close');
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const aws = await startLocalAws();
  const endpoint = await aws.dynamodb.config.endpoint?.();
  if (!endpoint) throw new Error('the DynamoDB emulator has no endpoint');
  port.postMessage({
    dynamodb: `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port ?? ''}${endpoint.path}`,
    sqs: aws.sqsEndpoint,
    tableName: aws.tableName,
    payloadBucket: aws.payloadBucket,
    hydrate: aws.hydrate,
    deliver: aws.deliver,
    deliverQueues: aws.deliverQueues,
  } satisfies Endpoints);
  port.once('message', () => {
    void aws.close().then(() => port.close());
  });
}
