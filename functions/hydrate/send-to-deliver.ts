// Hands a webhook's messages to deliver: in SQS batches (10 a call) rather than one call each, since one order can
// become dozens of events. A message that was not sent fails the record for a retry; sending the others again
// then is harmless (each event's unique_id is deterministic, an upsert of the same values changes nothing).
import type { DeliverMessage } from '../shared/contracts.ts';
import { RetryableError } from '../shared/errors.ts';
import { encodeMessageBody } from '../shared/message-body.ts';
import type { MessageQueue } from '../shared/sqs-queue.ts';

export async function sendToDeliver(messages: readonly DeliverMessage[], queue: MessageQueue): Promise<void> {
  if (messages.length === 0) return;
  const { failedIds, reasons } = await queue.sendBatch(
    messages.map((message, index) => ({
      id: String(index),
      body: encodeMessageBody(message),
      correlationId: message.correlation_id,
    })),
  );
  if (failedIds.length > 0) {
    throw new RetryableError(
      `${failedIds.length} of ${messages.length} messages were not sent to the deliver queue: ${reasons.slice(0, 3).join('; ')}`,
      'deliver_enqueue_failed',
    );
  }
}
