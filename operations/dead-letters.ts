// Reading a queue's DLQ without taking anything out of it (`relay dlq`, and local mode's status): messages are
// received with a visibility timeout (hidden from other readers while a reader looks at them) and made visible
// again when it is done. Each is decoded into one shape: the stage's DeadLetterV1 (loaded from the payload bucket
// when it was claim-checked), or, for a message SQS's redrive moved without the stage's letter, the raw message
// with reason `moved_by_sqs`.
import { GetObjectCommand } from '@aws-sdk/client-s3';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { claimCheckOf } from '../functions/shared/stage/claim-check.ts';
import { deadLetterV1Schema, type DeadLetterV1 } from '../functions/shared/stage/contracts.ts';
import type { RelayStack } from './relay-stack.ts';

/** The reason given to a message SQS moved to the DLQ itself (the stage could not write a letter). */
export const MOVED_BY_SQS = 'moved_by_sqs';

export interface DeadLetterEntry {
  messageId: string;
  receiptHandle: string;
  /** The DLQ message body as it is: what a redrive sends back. */
  body: string;
  correlationId: string | undefined;
  source: string | undefined;
  reason: string;
  /** When the stage wrote the letter (or SQS sent the message to the DLQ). */
  failedAt: Date;
  /** The stage's letter; undefined for a message SQS moved. */
  letter: DeadLetterV1 | undefined;
}

/** How long a read keeps messages hidden: longer than a pass over a large DLQ takes to decide. */
const PEEK_VISIBILITY_SECONDS = 120;

async function decode(stack: RelayStack, message: Message): Promise<DeadLetterEntry> {
  const body = message.Body ?? '';
  let letter: DeadLetterV1 | undefined;
  try {
    let value: unknown = JSON.parse(body);
    const reference = claimCheckOf(value);
    if (reference) {
      const object = await stack.s3.send(
        new GetObjectCommand({ Bucket: reference.bucket, Key: reference.key }),
      );
      value = JSON.parse((await object.Body?.transformToString('utf8')) ?? '');
    }
    const parsed = deadLetterV1Schema().safeParse(value);
    if (parsed.success) letter = parsed.data;
  } catch {
    // Not JSON, or a claim check whose body is gone: shown as SQS moved it.
  }
  const correlationId = message.MessageAttributes?.correlation_id?.StringValue;
  const colon = correlationId?.indexOf(':') ?? -1;
  const sentAt = Number(message.Attributes?.SentTimestamp);
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body,
    correlationId,
    source: correlationId && colon > 0 ? correlationId.slice(0, colon) : undefined,
    reason: letter?.reason ?? MOVED_BY_SQS,
    failedAt: letter ? new Date(letter.failed_at) : new Date(Number.isFinite(sentAt) ? sentAt : 0),
    letter,
  };
}

export interface DlqReader {
  /** Receives the next messages (hidden while this reader holds them); empty when the DLQ has no more. */
  next(): Promise<DeadLetterEntry[]>;
  /** Deletes messages this reader holds (after their redrive succeeded). */
  remove(entries: DeadLetterEntry[]): Promise<void>;
  /** Makes every message still held visible again. */
  release(): Promise<void>;
}

export interface DlqReadOptions {
  /** Long-poll wait of each receive (default 1 s; 0 against local mode's single-server emulator). */
  waitSeconds?: number;
  /** Empty answers in a row that end the read (default 2: a short poll samples servers; 1 in local mode). */
  emptyAnswers?: number;
}

/** `queue` names the DLQ's queue in messages: its key (`deliver-consent`) or stage. */
export function openDlq(
  stack: RelayStack,
  queue: string,
  dlqUrl: string,
  options: DlqReadOptions = {},
): DlqReader {
  const held = new Map<string, DeadLetterEntry>();
  // Local mode's emulator is one server: an empty short poll there means empty, and a read needs no long poll.
  const waitSeconds = options.waitSeconds ?? (stack.local ? 0 : 1);
  const emptyAnswers = options.emptyAnswers ?? (stack.local ? 1 : 2);
  return {
    async next() {
      // A short poll can come back empty while messages remain (it samples servers): two empty answers in a
      // row, each waiting a second, end the read. Each call starts afresh, so a later call sees new letters.
      let emptyReceives = 0;
      while (emptyReceives < emptyAnswers) {
        const out = await stack.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: dlqUrl,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: PEEK_VISIBILITY_SECONDS,
            WaitTimeSeconds: waitSeconds,
            MessageAttributeNames: ['All'],
            MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
          }),
        );
        const messages = (out.Messages ?? []).filter((m) => m.MessageId && !held.has(m.MessageId));
        if (messages.length === 0) {
          emptyReceives += 1;
          continue;
        }
        const entries = await Promise.all(messages.map((m) => decode(stack, m)));
        for (const entry of entries) held.set(entry.messageId, entry);
        return entries;
      }
      return [];
    },
    async remove(entries) {
      for (let i = 0; i < entries.length; i += 10) {
        const chunk = entries.slice(i, i + 10);
        const out = await stack.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: dlqUrl,
            Entries: chunk.map((e, n) => ({ Id: String(n), ReceiptHandle: e.receiptHandle })),
          }),
        );
        const failed = new Set((out.Failed ?? []).map((f) => Number(f.Id)));
        chunk.forEach((entry, n) => {
          if (!failed.has(n)) held.delete(entry.messageId);
        });
        if (failed.size > 0)
          throw new Error(
            `${failed.size} ${queue} dead letters were redriven but could not be deleted from the DLQ`,
          );
      }
    },
    async release() {
      const entries = [...held.values()];
      for (let i = 0; i < entries.length; i += 10) {
        const chunk = entries.slice(i, i + 10);
        await stack.sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: dlqUrl,
            Entries: chunk.map((e, n) => ({
              Id: String(n),
              ReceiptHandle: e.receiptHandle,
              VisibilityTimeout: 0,
            })),
          }),
        );
      }
      held.clear();
    },
  };
}

/**
 * Sends dead letters back as they are to `queueUrl`, which the caller gives as the queue whose DLQ held them (a
 * consent letter to the consent queue, never the events queue): the stage opens a letter and processes its original
 * (functions/shared/stage/redriven-letter.ts), exactly as after SQS's own redrive. Returns the entries whose send
 * succeeded (only those may be deleted from the DLQ).
 */
export async function sendBack(
  stack: RelayStack,
  queueUrl: string,
  entries: DeadLetterEntry[],
): Promise<DeadLetterEntry[]> {
  const sent: DeadLetterEntry[] = [];
  for (let i = 0; i < entries.length; i += 10) {
    const chunk = entries.slice(i, i + 10);
    const out = await stack.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((e, n) => ({
          Id: String(n),
          MessageBody: e.body,
          ...(e.correlationId && {
            MessageAttributes: { correlation_id: { DataType: 'String', StringValue: e.correlationId } },
          }),
        })),
      }),
    );
    const ok = new Set((out.Successful ?? []).map((s) => Number(s.Id)));
    chunk.forEach((entry, n) => {
      if (ok.has(n)) sent.push(entry);
    });
  }
  return sent;
}
