// The queues a deployment's functions poll, read from its event source mappings (moto keeps them as AWS does),
// not from a list of stages: a module that adds a queue adds a mapping, and the runner polls it too.
import { ListEventSourceMappingsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface EventSourceQueue {
  /** The mapping's UUID. */
  readonly uuid: string;
  /** The function the mapping invokes, by name (no qualifier). */
  readonly functionName: string;
  readonly queueArn: string;
  readonly queueUrl: string;
  /** Records per invocation (the mapping's BatchSize; SQS's default 10 when unset). */
  readonly batchSize: number;
  /** The mapping's MaximumBatchingWindowInSeconds, in milliseconds. */
  readonly maxBatchingWindowMs: number;
}

/** `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]` → name. */
export function functionNameOf(functionArn: string): string {
  const parts = functionArn.split(':');
  const at = parts.indexOf('function');
  const name = at >= 0 ? parts[at + 1] : undefined;
  if (!name) throw new Error(`not a Lambda function ARN: ${functionArn}`);
  return name;
}

/** `arn:aws:sqs:<region>:<account>:<name>` → its parts, or undefined for another service's ARN. */
export function sqsQueueOf(arn: string): { account: string; name: string } | undefined {
  const [prefix, partition, service, , account, name] = arn.split(':');
  if (prefix !== 'arn' || !partition || service !== 'sqs' || !account || !name) return undefined;
  return { account, name };
}

/** Every SQS event source mapping of the account (all pages), with its queue's URL. */
export async function eventSourceQueues(lambda: LambdaClient, sqs: SQSClient): Promise<EventSourceQueue[]> {
  const queues: EventSourceQueue[] = [];
  let marker: string | undefined;
  do {
    const page = await lambda.send(new ListEventSourceMappingsCommand({ Marker: marker }));
    for (const mapping of page.EventSourceMappings ?? []) {
      const queue = sqsQueueOf(mapping.EventSourceArn ?? '');
      if (!queue || !mapping.UUID || !mapping.FunctionArn) continue;
      const { QueueUrl } = await sqs.send(
        new GetQueueUrlCommand({ QueueName: queue.name, QueueOwnerAWSAccountId: queue.account }),
      );
      if (!QueueUrl) throw new Error(`no URL for the queue ${mapping.EventSourceArn ?? ''}`);
      queues.push({
        uuid: mapping.UUID,
        functionName: functionNameOf(mapping.FunctionArn),
        queueArn: mapping.EventSourceArn ?? '',
        queueUrl: QueueUrl,
        batchSize: mapping.BatchSize ?? 10,
        maxBatchingWindowMs: (mapping.MaximumBatchingWindowInSeconds ?? 0) * 1000,
      });
    }
    marker = page.NextMarker;
  } while (marker);
  return queues.sort(
    (a, b) => a.functionName.localeCompare(b.functionName) || a.queueArn.localeCompare(b.queueArn),
  );
}
