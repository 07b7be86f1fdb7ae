// A stage's actions on its own queue: a deferred message sent again with a delay (and the attributes it should
// carry), and a retry's visibility change, which makes a received message visible again after its delay.
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { MAX_ENTRIES, sendInBatches, type UnsentMessages } from './sqs-queue.ts';

/** A message sent again to its own queue after a delay (a deferral), with the attributes it should carry. */
export interface DelayedMessage {
  /** Unique within one call. */
  id: string;
  body: string;
  /** 0–900 (SQS's limit). */
  delaySeconds: number;
  attributes: Record<string, MessageAttributeValue>;
}

/** Sends each message with its delay (batched); returns the ids that were not sent, and why. */
export async function sendDelayed(
  client: SQSClient,
  queueUrl: string,
  messages: readonly DelayedMessage[],
): Promise<UnsentMessages> {
  return sendInBatches(client, queueUrl, messages, (m) => ({
    Id: m.id,
    MessageBody: m.body,
    DelaySeconds: m.delaySeconds,
    MessageAttributes: m.attributes,
  }));
}

/** A visibility timeout of `seconds`, as SQS takes it: whole seconds, 0 to 12 hours. */
const visibilityTimeout = (seconds: number) => Math.min(43_200, Math.max(0, Math.ceil(seconds)));

/** Makes a received message visible again after `seconds` (SQS allows up to 12 hours). */
export async function delayRetry(
  client: SQSClient,
  queueUrl: string,
  receiptHandle: string,
  seconds: number,
) {
  await client.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: visibilityTimeout(seconds),
    }),
  );
}

/** What became of one call of delayRetries: the entries SQS did not change (with its code), or the call's error. */
export type DelayRetriesResult<E> = { failed: { entry: E; code: string | undefined }[] } | { error: unknown };

/**
 * delayRetry for many received messages, MAX_ENTRIES a call, one call after another; returns each call's
 * result in order, so the caller says which retries keep the visibility timeout instead.
 */
export async function delayRetries<E extends { receiptHandle: string; seconds: number }>(
  client: SQSClient,
  queueUrl: string,
  entries: readonly E[],
): Promise<DelayRetriesResult<E>[]> {
  const results: DelayRetriesResult<E>[] = [];
  for (let start = 0; start < entries.length; start += MAX_ENTRIES) {
    const batch = entries.slice(start, start + MAX_ENTRIES);
    try {
      const out = await client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map(({ receiptHandle, seconds }, i) => ({
            Id: String(i),
            ReceiptHandle: receiptHandle,
            VisibilityTimeout: visibilityTimeout(seconds),
          })),
        }),
      );
      results.push({
        failed: (out.Failed ?? []).flatMap((failure) => {
          const entry = batch[Number(failure.Id)];
          return entry ? [{ entry, code: failure.Code }] : [];
        }),
      });
    } catch (error) {
      results.push({ error });
    }
  }
  return results;
}
