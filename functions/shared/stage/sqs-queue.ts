// The queue port over SQS: batched sends (10 entries and 256 KiB a call) and per-message results (a stage's
// re-sends and retry delays on its own queue are in own-queue.ts). Every body leaves queue-safe
// (message-body.ts), so no character in a valid JSON text can make SQS refuse it; a body the queue cannot hold
// (MAX_MESSAGE_BYTES, attributes included) leaves as a claim check (claim-check.ts), so no size can either.
import {
  type MessageAttributeValue,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { claimCheckMessage, DEFAULT_MAX_MESSAGE_BYTES, type ClaimCheckWriter } from './claim-check.ts';
import { encodeMessageBody, toQueueSafeJson, toQueueSafeText } from './message-body.ts';

export interface OutgoingMessage {
  /** Unique within one sendBatch call. */
  id: string;
  /** A JSON text, sent queue-safe (toQueueSafeJson); encodeMessageBody writes it so, at its final size. */
  body: string;
  correlationId: string;
}

export interface MessageQueue {
  /** The largest body (UTF-8 bytes, queue-safe) this queue takes: the claim check's bound, else the queue's. */
  readonly maxBodyBytes: number;
  /** Sends what it can; returns the ids that were not sent, and why. */
  sendBatch(messages: readonly OutgoingMessage[]): Promise<{ failedIds: string[]; reasons: string[] }>;
  send(message: Omit<OutgoingMessage, 'id'>): Promise<void>;
}

/** SQS takes at most 10 entries per batch call. */
export const MAX_ENTRIES = 10;
const MAX_BATCH_BYTES = 256 * 1024;
/**
 * Room kept for the attribute a deferral adds to a message it re-sends (`relay_failed_attempts`, a Number:
 * name, type and value count towards the size), so a message that fitted still fits when deferred.
 */
export const DEFERRAL_RESERVE_BYTES = 64;
/**
 * The largest body the claim check stores: more than any request Lambda takes (6 MB) or a source API's answer
 * (5 MiB) can make, so only a runaway body is refused.
 */
export const MAX_CLAIM_CHECK_BYTES = 32 * 1024 * 1024;

/** What SQS counts for a message attribute map: each name, data type and value. */
function attributeBytes(attributes: Record<string, MessageAttributeValue> | undefined): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(attributes ?? {}))
    bytes +=
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType ?? '') +
      Buffer.byteLength(value.StringValue ?? '') +
      (value.BinaryValue?.byteLength ?? 0);
  return bytes;
}

/** The messages in batches SQS takes: at most MAX_ENTRIES entries and MAX_BATCH_BYTES (attributes counted). */
export function chunk<M extends { body: string; attributes?: Record<string, MessageAttributeValue> }>(
  messages: readonly M[],
): M[][] {
  const chunks: M[][] = [];
  let current: M[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = Buffer.byteLength(message.body) + attributeBytes(message.attributes);
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

/** What a batched send left unsent: the ids, and SQS's reasons (each once). */
export interface UnsentMessages {
  failedIds: string[];
  reasons: string[];
}

/** Sends with SendMessageBatch in the batches SQS takes; a call that fails leaves its whole batch unsent. */
export async function sendInBatches<
  M extends { id: string; body: string; attributes?: Record<string, MessageAttributeValue> },
>(
  client: SQSClient,
  queueUrl: string,
  messages: readonly M[],
  entryOf: (message: M) => SendMessageBatchRequestEntry,
): Promise<UnsentMessages> {
  const results = await Promise.all(
    chunk(messages).map(async (entries) => {
      try {
        const out = await client.send(
          new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries.map(entryOf) }),
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

export interface QueueOptions {
  /** The queue's max_message_size (MAX_MESSAGE_BYTES); default 262,144. */
  maxMessageBytes?: number;
  /** Where bodies over that go; without it such a body is sent as it is and the queue refuses it. */
  claimCheck?: ClaimCheckWriter;
}

export function createSqsQueue(
  client: SQSClient,
  queueUrl: string,
  options: QueueOptions = {},
): MessageQueue {
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const { claimCheck } = options;

  /** The body to send: queue-safe, and a claim check in its place when the queue cannot hold it. */
  async function outgoing(body: string, correlationId: string): Promise<string> {
    const safe = toQueueSafeJson(body);
    const size =
      Buffer.byteLength(safe) + attributeBytes(correlation(correlationId)) + DEFERRAL_RESERVE_BYTES;
    if (size <= maxMessageBytes || !claimCheck) return safe;
    const reference = await claimCheck.store(safe, correlationId);
    return encodeMessageBody(claimCheckMessage(correlationId, reference));
  }

  return {
    maxBodyBytes: claimCheck
      ? MAX_CLAIM_CHECK_BYTES
      : maxMessageBytes - DEFERRAL_RESERVE_BYTES - attributeBytes(correlation('')),

    async sendBatch(messages) {
      const stored = await Promise.all(
        messages.map(async (m) => {
          try {
            return {
              ...m,
              body: await outgoing(m.body, m.correlationId),
              attributes: correlation(m.correlationId),
            };
          } catch (error) {
            return { ...m, error: error as Error };
          }
        }),
      );
      const unstored = stored.filter((m) => 'error' in m);
      const encoded = stored.filter((m) => !('error' in m));
      const sent = await sendInBatches(client, queueUrl, encoded, (m) => ({
        Id: m.id,
        MessageBody: m.body,
        MessageAttributes: correlation(m.correlationId),
      }));
      return {
        failedIds: [...unstored.map((m) => m.id), ...sent.failedIds],
        reasons: [...new Set([...unstored.map((m) => `claim check: ${m.error.message}`), ...sent.reasons])],
      };
    },

    async send(message) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: await outgoing(message.body, message.correlationId),
          MessageAttributes: correlation(message.correlationId),
        }),
      );
    },
  };
}
