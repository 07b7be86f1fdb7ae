// An SQS record as Lambda's event source mapping hands it to a handler, for unit tests that call a stage's
// handler directly (local/sqs/lambda-event.ts builds the same shape from a real ReceiveMessage).
import type { SQSMessageAttributes, SQSRecord } from 'aws-lambda';

export interface SqsRecordOptions {
  id: string;
  body: string;
  receiveCount?: number;
  messageAttributes?: SQSMessageAttributes;
  /** The queue's name in the record's ARN. */
  queue?: string;
}

export function sqsRecord(options: SqsRecordOptions): SQSRecord {
  return {
    messageId: options.id,
    receiptHandle: `rh-${options.id}`,
    body: options.body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: options.messageAttributes ?? {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${options.queue ?? 'queue'}`,
    awsRegion: 'us-east-1',
  };
}

/** A stage message (a contract's JSON) on `queue`, with the correlation id attribute the stages send it with. */
export function stageMessageRecord(
  id: string,
  message: { correlation_id: string },
  queue: string,
): SQSRecord {
  return sqsRecord({
    id,
    body: JSON.stringify(message),
    queue,
    messageAttributes: { correlation_id: { stringValue: message.correlation_id, dataType: 'String' } },
  });
}
