// What Lambda hands an SQS-triggered function: the event records and the invocation context, built the way the
// SQS event source mapping builds them, so handlers see in local mode what they see in AWS.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Message } from '@aws-sdk/client-sqs';
import type { Context, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

/** The parts of an SQS ARN (`arn:aws:sqs:<region>:<account>:<name>`) that the event and context repeat. */
export function parseQueueArn(queueArn: string): { region: string; accountId: string; name: string } {
  const [arn, partition, service, region, accountId, name] = queueArn.split(':');
  if (arn !== 'arn' || partition === undefined || service !== 'sqs' || !region || !accountId || !name) {
    throw new TypeError(`not an SQS queue ARN: ${queueArn}`);
  }
  return { region, accountId, name };
}

/** Lambda's camelCase attribute shape: binary values as base64, the list fields present and empty. */
function toRecordMessageAttributes(message: Message): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    out[name] = {
      ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
      ...(value.BinaryValue !== undefined && {
        binaryValue: Buffer.from(value.BinaryValue).toString('base64'),
      }),
      stringListValues: [],
      binaryListValues: [],
      dataType: value.DataType ?? 'String',
    };
  }
  return out;
}

/** Lambda passes on every system attribute SQS returned; the four below are always there in a real event. */
function toRecordAttributes(message: Message): SQSRecordAttributes {
  const attributes: Record<string, string> = { ...message.Attributes };
  return {
    ...attributes,
    ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
    SentTimestamp: attributes.SentTimestamp ?? '',
    SenderId: attributes.SenderId ?? '',
    ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '',
  };
}

export function toSqsRecord(message: Message, queueArn: string): SQSRecord {
  if (message.MessageId === undefined || message.ReceiptHandle === undefined || message.Body === undefined) {
    throw new TypeError('ReceiveMessage returned a message without MessageId, ReceiptHandle or Body');
  }
  return {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body,
    attributes: toRecordAttributes(message),
    messageAttributes: toRecordMessageAttributes(message),
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes !== undefined && {
      md5OfMessageAttributes: message.MD5OfMessageAttributes,
    }),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: parseQueueArn(queueArn).region,
  };
}

export interface InvocationContextOptions {
  functionName: string;
  region: string;
  accountId: string;
  /** The function's configured timeout: getRemainingTimeInMillis counts down from it. */
  timeoutMs: number;
  memoryLimitInMB: number;
}

function deprecatedCallbackApi(name: string): () => never {
  return () => {
    throw new Error(`context.${name}() is the callback-era API; local mode runs async handlers only`);
  };
}

/** A fresh context per invocation, as Lambda gives one (new request id, own deadline). */
export function createInvocationContext(options: InvocationContextOptions): Context {
  const deadline = Date.now() + options.timeoutMs;
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: options.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${options.region}:${options.accountId}:function:${options.functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: deprecatedCallbackApi('done'),
    fail: deprecatedCallbackApi('fail'),
    succeed: deprecatedCallbackApi('succeed'),
  };
}
