// The queue port over SQS: batched sends (10 entries and 256 KiB a call), per-message results, and the
// visibility change that turns a retryable failure into a delayed retry. Every body leaves queue-safe
// (message-body.ts), so no character in a valid JSON text can make SQS refuse it.
import {
  ChangeMessageVisibilityCommand,
  type MessageAttributeValue,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { toQueueSafeJson, toQueueSafeText } from './message-body.ts';

export interface OutgoingMessage {
  /** Unique within one sendBatch call. */
  id: string;
  /** A JSON text, sent queue-safe (toQueueSafeJson); encodeMessageBody writes it so, at its final size. */
  body: string;
  correlationId: string;
}

export interface MessageQueue {
  /** Sends what it can; returns the ids that were not sent, and why. */
  sendBatch(messages: readonly OutgoingMessage[]): Promise<{ failedIds: string[]; reasons: string[] }>;
  send(message: Omit<OutgoingMessage, 'id'>): Promise<void>;
}

const MAX_ENTRIES = 10;
const MAX_BATCH_BYTES = 256 * 1024;

function chunk<M extends { body: string }>(messages: readonly M[]): M[][] {
  const chunks: M[][] = [];
  let current: M[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = Buffer.byteLength(message.body);
    if (current.length === MAX_ENTRIES || (current.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The correlation id attribute: SQS refuses the message if the value holds U+FFFF and the like. */
const correlation = (id: string) => ({
  correlation_id: { DataType: 'String', StringValue: toQueueSafeText(id) },
});

export function createSqsQueue(client: SQSClient, queueUrl: string): MessageQueue {
  return {
    async sendBatch(messages) {
      const encoded = messages.map((m) => ({ ...m, body: toQueueSafeJson(m.body) }));
      const results = await Promise.all(
        chunk(encoded).map(async (entries) => {
          try {
            const out = await client.send(
              new SendMessageBatchCommand({
                QueueUrl: queueUrl,
                Entries: entries.map((m) => ({
                  Id: m.id,
                  MessageBody: m.body,
                  MessageAttributes: correlation(m.correlationId),
                })),
              }),
            );
            const failed = out.Failed ?? [];
            return {
              ids: failed.map((f) => f.Id ?? ''),
              reasons: failed.map((f) => `${f.Code}: ${f.Message}`),
            };
          } catch (error) {
            return { ids: entries.map((m) => m.id), reasons: [(error as Error).message] };
          }
        }),
      );
      return {
        failedIds: results.flatMap((r) => r.ids),
        reasons: [...new Set(results.flatMap((r) => r.reasons))],
      };
    },

    async send(message) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: toQueueSafeJson(message.body),
          MessageAttributes: correlation(message.correlationId),
        }),
      );
    },
  };
}

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
): Promise<{ failedIds: string[]; reasons: string[] }> {
  const results = await Promise.all(
    chunk(messages).map(async (entries) => {
      try {
        const out = await client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: entries.map((m) => ({
              Id: m.id,
              MessageBody: m.body,
              DelaySeconds: m.delaySeconds,
              MessageAttributes: m.attributes,
            })),
          }),
        );
        const failed = out.Failed ?? [];
        return { ids: failed.map((f) => f.Id ?? ''), reasons: failed.map((f) => `${f.Code}: ${f.Message}`) };
      } catch (error) {
        return { ids: entries.map((m) => m.id), reasons: [(error as Error).message] };
      }
    }),
  );
  return {
    failedIds: results.flatMap((r) => r.ids),
    reasons: [...new Set(results.flatMap((r) => r.reasons))],
  };
}

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
      VisibilityTimeout: Math.min(43_200, Math.max(0, Math.ceil(seconds))),
    }),
  );
}
