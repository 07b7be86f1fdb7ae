// How many messages a queue holds, by state (SQS's approximate counts): waiting to be received, received and
// not yet deleted (in flight), and delayed. One read for the CLI, local mode's status, the benchmarks and tests.
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface QueueCounts {
  waiting: number;
  inFlight: number;
  delayed: number;
}

export async function queueCounts(sqs: Pick<SQSClient, 'send'>, queueUrl: string): Promise<QueueCounts> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return {
    waiting: Number(Attributes.ApproximateNumberOfMessages) || 0,
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible) || 0,
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed) || 0,
  };
}
