// The AWS side of local mode: DynamoDB (dynalite, in memory), SQS and S3 (fauxqs serves both), with the table,
// the queues (DLQs, redrive after maxReceiveCount, max_message_size) and the payload bucket of the claim check
// created as the Terraform module creates them: a deliver queue pair per Klaviyo write family
// (functions/shared/stage/deliver-families.ts), as the module's `deliver_queues` default creates them all.
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import dynalite from 'dynalite';
import {
  DELIVER_FAMILIES,
  DELIVER_QUEUE_KEYS,
  type DeliverQueueKey,
} from '../functions/shared/stage/deliver-families.ts';
import { startSqsEmulator } from './sqs/emulator.ts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'us-east-1';

export interface QueuePair {
  url: string;
  arn: string;
  dlqUrl: string;
  /** The redrive policy's maxReceiveCount (the consumer gets it as MAX_RECEIVE_COUNT). */
  maxReceiveCount: number;
}

/**
 * The Terraform module's defaults (terraform/queues.tf `default_max_receive_count`; a test keeps them equal), so
 * local mode dead-letters after exactly as many failed receives as a deployment.
 */
export const DEFAULT_MAX_RECEIVE_COUNT = { hydrate: 5, deliver: 10 } as const;

/**
 * The module's `max_message_size` (terraform/modules/queue; the AWS provider 5.x ceiling), on every local queue,
 * so a message too large for a deployment is too large here too; the functions get it as MAX_MESSAGE_BYTES.
 */
export const MAX_MESSAGE_BYTES = 262_144;

export interface LocalAws {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  /** The same emulator's S3, path-style (fauxqs answers both on one port). */
  s3: S3Client;
  /** The claim check's payload bucket (CLAIM_CHECK_BUCKET). */
  payloadBucket: string;
  /** For clients of one's own, e.g. a test that injects faults into its SQS client. */
  sqsEndpoint: string;
  /** dynalite's endpoint, for clients in another process (the relay CLI against local mode). */
  dynamodbEndpoint: string;
  tableName: string;
  hydrate: QueuePair;
  /** The events family's deliver queue (queue key `deliver`), the one every other family falls back to. */
  deliver: QueuePair;
  /** Every family's deliver queue pair by queue key (`deliver` is the events pair above). */
  deliverQueues: Record<DeliverQueueKey, QueuePair>;
  close(): Promise<void>;
}

export interface LocalAwsOptions {
  /** Both queues' maxReceiveCount; default DEFAULT_MAX_RECEIVE_COUNT (5 for hydrate, 10 for deliver). */
  maxReceiveCount?: number;
  visibilityTimeoutSeconds?: number;
}

async function createQueuePair(
  sqs: SQSClient,
  name: string,
  options: Required<LocalAwsOptions>,
): Promise<QueuePair> {
  const { maxReceiveCount } = options;
  const dlq = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${name}-dlq`,
      Attributes: { MessageRetentionPeriod: '1209600', MaximumMessageSize: String(MAX_MESSAGE_BYTES) },
    }),
  );
  const dlqArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds),
        MaximumMessageSize: String(MAX_MESSAGE_BYTES),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn,
          maxReceiveCount: options.maxReceiveCount,
        }),
      },
    }),
  );
  const arn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn;
  if (!queue.QueueUrl || !dlq.QueueUrl || !arn) throw new Error(`could not create queue ${name}`);
  return { url: queue.QueueUrl, arn, dlqUrl: dlq.QueueUrl, maxReceiveCount };
}

export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 30;
  const settingsOf = (queue: keyof typeof DEFAULT_MAX_RECEIVE_COUNT) => ({
    visibilityTimeoutSeconds,
    maxReceiveCount: options.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT[queue],
  });
  const dynamoServer = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => dynamoServer.listen(0, '127.0.0.1', resolve));
  const dynamoPort = (dynamoServer.address() as AddressInfo).port;
  const sqsEmulator = await startSqsEmulator({ port: 0 });

  const dynamodb = new DynamoDBClient({ endpoint: `http://127.0.0.1:${dynamoPort}`, region, credentials });
  const sqs = new SQSClient({ endpoint: sqsEmulator.endpoint, region, credentials });
  const s3 = new S3Client({ endpoint: sqsEmulator.endpoint, region, credentials, forcePathStyle: true });
  const payloadBucket = 'klaviyo-webhook-relay-payloads';
  await s3.send(new CreateBucketCommand({ Bucket: payloadBucket }));
  const tableName = 'klaviyo-webhook-relay-dedupe';
  // Same key as the Terraform table. dynalite has no TTL; local runs are too short to need it.
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const hydrate = await createQueuePair(sqs, 'klaviyo-webhook-relay-hydrate', settingsOf('hydrate'));
  const deliverQueues = Object.fromEntries(
    await Promise.all(
      DELIVER_QUEUE_KEYS.map(
        async (key) =>
          [key, await createQueuePair(sqs, `klaviyo-webhook-relay-${key}`, settingsOf('deliver'))] as const,
      ),
    ),
  ) as Record<DeliverQueueKey, QueuePair>;
  const deliver = deliverQueues.deliver;

  return {
    dynamodb,
    sqs,
    s3,
    payloadBucket,
    sqsEndpoint: sqsEmulator.endpoint,
    dynamodbEndpoint: `http://127.0.0.1:${dynamoPort}`,
    tableName,
    hydrate,
    deliver,
    deliverQueues,
    async close() {
      dynamodb.destroy();
      sqs.destroy();
      s3.destroy();
      await sqsEmulator.close();
      await new Promise<void>((resolve) => dynamoServer.close(() => resolve()));
    },
  };
}

/** DELIVER_QUEUE_URLS and DELIVER_DLQ_URLS: every family but events (DELIVER_QUEUE_URL), by family key. */
export function deliverFamilyUrls(aws: Pick<LocalAws, 'deliverQueues'>): Record<string, string> {
  const others = DELIVER_FAMILIES.filter((f) => f.family !== 'events');
  const map = (url: (pair: LocalAws['deliver']) => string) =>
    JSON.stringify(Object.fromEntries(others.map((f) => [f.family, url(aws.deliverQueues[f.queueKey])])));
  return { DELIVER_QUEUE_URLS: map((p) => p.url), DELIVER_DLQ_URLS: map((p) => p.dlqUrl) };
}
