// Hands a webhook's messages to deliver. Each message is encoded the moment mapping makes it and kept only as that
// text (charged to the webhook's byte budget, webhook-budget.ts), so the webhook never holds its messages as
// objects; once mapping is done they go in chunks of SEND_CHUNK (an SQS batch call), each chunk let go once sent.
// Nothing is sent before mapping is done, so a webhook that fails (its budget, a mapping error) sends nothing.
// A message that was not sent fails the record for a retry; sending the others again then is harmless (each
// event's unique_id is deterministic, an upsert of the same values changes nothing). Each message goes to its
// family's deliver queue (deliver-families.ts), so the chunks are per queue.
import { deliverFamilyOf, type DeliverFamily } from '../shared/stage/deliver-families.ts';
import { RetryableError } from '../shared/stage/errors.ts';
import { encodeMessageBody } from '../shared/stage/message-body.ts';
import type { MessageQueue, OutgoingMessage } from '../shared/stage/sqs-queue.ts';
import type { HydratedMessage } from './mapping/map-webhook.ts';
import type { WebhookBudget } from './webhook-budget.ts';

/** Messages per sendBatch call: one SQS batch, and at most this many claim-checked bodies stored at once. */
export const SEND_CHUNK = 10;

/** Where deliver messages go: one queue for all (as before the family queues), or each family's queue. */
export type DeliverQueues = MessageQueue | ((family: DeliverFamily) => MessageQueue);

/** What the log line says of the messages once they are gone. */
export interface OutboxSummary {
  types: HydratedMessage['type'][];
  /** The first event's metric and number of properties. */
  event?: { metric: string; properties: number };
}

export class DeliverOutbox {
  private pending: (OutgoingMessage & { family: DeliverFamily })[] = [];
  readonly summary: OutboxSummary = { types: [] };

  constructor(private readonly budget?: WebhookBudget) {}

  /** Encodes the message and keeps the text; throws when the webhook's budget will not take it. */
  add(message: HydratedMessage): void {
    const body = encodeMessageBody(message);
    const position = this.summary.types.length + 1;
    this.budget?.charge(Buffer.byteLength(body), `message ${position} (${message.type})`);
    this.pending.push({
      id: String(position),
      body,
      correlationId: message.correlation_id,
      family: deliverFamilyOf(message.type),
    });
    this.summary.types.push(message.type);
    if (message.type === 'klaviyo.event' && !this.summary.event)
      this.summary.event = { metric: message.metric, properties: Object.keys(message.properties).length };
  }

  get size(): number {
    return this.pending.length;
  }

  /** Sends every message kept, chunk by chunk, each to its family's queue; a RetryableError when any was not sent. */
  async sendTo(queues: DeliverQueues): Promise<void> {
    const queueOf = typeof queues === 'function' ? queues : () => queues;
    const total = this.pending.length;
    for (let first = this.pending[0]; first; first = this.pending[0]) {
      // The next chunk: up to SEND_CHUNK messages bound for the first pending message's queue.
      const queue = queueOf(first.family);
      const chunk: OutgoingMessage[] = [];
      const rest: typeof this.pending = [];
      for (const m of this.pending)
        if (chunk.length < SEND_CHUNK && queueOf(m.family) === queue)
          chunk.push({ id: m.id, body: m.body, correlationId: m.correlationId });
        else rest.push(m);
      this.pending = rest;
      const { failedIds, reasons } = await queue.sendBatch(chunk);
      if (failedIds.length > 0) {
        throw new RetryableError(
          `${failedIds.length} of ${total} messages were not sent to the deliver queue: ${reasons.slice(0, 3).join('; ')}`,
          'deliver_enqueue_failed',
        );
      }
    }
  }
}
