// An SQS client in memory for the console's page tests: one queue per URL, messages received (hidden), made
// visible again, deleted; messages sent to a queue taken at once, as by its stage; enough for operations/dead-letters.ts and cli/redrive.ts without an emulator.
import type { SQSClient } from '@aws-sdk/client-sqs';

interface Held {
  id: string;
  body: string;
  attributes: Record<string, { DataType: string; StringValue: string }>;
  hidden: boolean;
}

export interface FakeSqs {
  client: SQSClient;
  add(queueUrl: string, id: string, body: string, correlationId?: string): void;
  /** Messages waiting in a queue (a DLQ). */
  bodies(queueUrl: string): string[];
  /** Messages sent to a queue (and taken by its stage). */
  sentTo(queueUrl: string): string[];
}

export function fakeSqs(): FakeSqs {
  const queues = new Map<string, Held[]>();
  const queue = (url: string) => {
    const held = queues.get(url) ?? [];
    queues.set(url, held);
    return held;
  };
  // What was sent to a queue: the stage behind it takes each at once (the queue stays empty).
  const sent = new Map<string, string[]>();
  const add = (url: string, id: string, body: string, correlationId?: string) =>
    queue(url).push({
      id,
      body,
      attributes: correlationId ? { correlation_id: { DataType: 'String', StringValue: correlationId } } : {},
      hidden: false,
    });
  type Input = { QueueUrl: string; Entries?: { Id: string; ReceiptHandle?: string; MessageBody?: string }[] };
  const send = (command: { constructor: { name: string }; input: Input }) => {
    const held = queue(command.input.QueueUrl);
    const entries = command.input.Entries ?? [];
    switch (command.constructor.name) {
      case 'ReceiveMessageCommand': {
        const visible = held.filter((m) => !m.hidden).slice(0, 10);
        for (const m of visible) m.hidden = true;
        return Promise.resolve({
          Messages: visible.map((m) => ({
            MessageId: m.id,
            ReceiptHandle: m.id,
            Body: m.body,
            MessageAttributes: m.attributes,
            Attributes: {},
          })),
        });
      }
      case 'ChangeMessageVisibilityBatchCommand':
        for (const e of entries) for (const m of held) if (m.id === e.ReceiptHandle) m.hidden = false;
        return Promise.resolve({ Successful: entries.map((e) => ({ Id: e.Id })), Failed: [] });
      case 'DeleteMessageBatchCommand':
        for (const e of entries) {
          const at = held.findIndex((m) => m.id === e.ReceiptHandle);
          if (at >= 0) held.splice(at, 1);
        }
        return Promise.resolve({ Successful: entries.map((e) => ({ Id: e.Id })), Failed: [] });
      case 'SendMessageBatchCommand':
        sent.set(command.input.QueueUrl, [
          ...(sent.get(command.input.QueueUrl) ?? []),
          ...entries.map((e) => e.MessageBody ?? ''),
        ]);
        return Promise.resolve({ Successful: entries.map((e) => ({ Id: e.Id })), Failed: [] });
      case 'GetQueueAttributesCommand':
        return Promise.resolve({
          Attributes: {
            ApproximateNumberOfMessages: String(held.filter((m) => !m.hidden).length),
            ApproximateNumberOfMessagesNotVisible: String(held.filter((m) => m.hidden).length),
            ApproximateNumberOfMessagesDelayed: '0',
          },
        });
      default:
        return Promise.reject(new Error(`the fake SQS does not answer ${command.constructor.name}`));
    }
  };
  return {
    client: { send } as unknown as SQSClient,
    add,
    bodies: (url) => queue(url).map((m) => m.body),
    sentTo: (url) => sent.get(url) ?? [],
  };
}
