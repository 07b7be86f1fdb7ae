// Hands a webhook's messages to deliver. Each message is encoded the moment mapping makes it and kept only as that
// text (charged to the webhook's byte budget, webhook-budget.ts), so the webhook never holds its messages as
// objects; once mapping is done they go in chunks of SEND_CHUNK (an SQS batch call), each chunk let go once sent.
// Nothing is sent before mapping is done, so a webhook that fails (its budget, a mapping error) sends nothing.
// A message that was not sent fails the record for a retry; sending the others again then is harmless (each
// event's unique_id is deterministic, an upsert of the same values changes nothing).
import { RetryableError } from '../shared/stage/errors.ts';
import { encodeMessageBody } from '../shared/stage/message-body.ts';
import type { MessageQueue, OutgoingMessage } from '../shared/stage/sqs-queue.ts';
import type { HydratedMessage } from './mapping/map-webhook.ts';
import type { WebhookBudget } from './webhook-budget.ts';

/** Messages per sendBatch call: one SQS batch, and at most this many claim-checked bodies stored at once. */
export const SEND_CHUNK = 10;

/** What the log line says of the messages once they are gone. */
export interface OutboxSummary {
  types: HydratedMessage['type'][];
  /** The first event's metric and number of properties. */
  event?: { metric: string; properties: number };
}

export class DeliverOutbox {
  private pending: OutgoingMessage[] = [];
  readonly summary: OutboxSummary = { types: [] };

  constructor(private readonly budget?: WebhookBudget) {}

  /** Encodes the message and keeps the text; throws when the webhook's budget will not take it. */
  add(message: HydratedMessage): void {
    const body = encodeMessageBody(message);
    const position = this.summary.types.length + 1;
    this.budget?.charge(Buffer.byteLength(body), `message ${position} (${message.type})`);
    this.pending.push({ id: String(position), body, correlationId: message.correlation_id });
    this.summary.types.push(message.type);
    if (message.type === 'klaviyo.event' && !this.summary.event)
      this.summary.event = { metric: message.metric, properties: Object.keys(message.properties).length };
  }

  get size(): number {
    return this.pending.length;
  }

  /** Sends every message kept, chunk by chunk; a RetryableError when any was not sent. */
  async sendTo(queue: MessageQueue): Promise<void> {
    const total = this.pending.length;
    while (this.pending.length > 0) {
      const chunk = this.pending.slice(0, SEND_CHUNK);
      this.pending = this.pending.slice(SEND_CHUNK);
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
