// The ingest use case, after authentication: claim each event's delivery id, enqueue what was claimed,
// then confirm it — or release the claim when the enqueue failed, so the sender's retry gets through.
import { randomUUID } from 'node:crypto';
import { WebhookReceivedV1Schema, type WebhookReceivedV1 } from '../shared/contracts.ts';
import type { Logger } from '../shared/logger.ts';
import type { MessageQueue } from '../shared/sqs-queue.ts';
import type { DedupeStore } from './dedupe-store.ts';
import type { ReceivedEvent } from './sources/source-adapter.ts';

export interface IngestPorts {
  dedupe: DedupeStore;
  queue: MessageQueue;
  logger: Logger;
  now?: () => number;
  newToken?: () => string;
}

export interface DedupeSettings {
  ttlSeconds: number;
  leaseSeconds: number;
}

export interface AcceptOutcome {
  accepted: string[];
  duplicates: string[];
  inProgress: string[];
  failed: string[];
}

export async function acceptWebhook(
  sourceName: string,
  events: readonly ReceivedEvent[],
  settings: DedupeSettings,
  ports: IngestPorts,
): Promise<AcceptOutcome> {
  const nowMs = (ports.now ?? Date.now)();
  const nowSeconds = Math.floor(nowMs / 1000);
  const token = (ports.newToken ?? randomUUID)();
  const outcome: AcceptOutcome = { accepted: [], duplicates: [], inProgress: [], failed: [] };
  const keyOf = (event: ReceivedEvent) => `${sourceName}#${event.deliveryId}`;

  // One request can carry the same event twice (a sender's batch); it is one delivery.
  const unique = [...new Map(events.map((e) => [e.deliveryId, e])).values()];
  const claims = await Promise.all(
    unique.map(async (event) => ({
      event,
      result: await ports.dedupe.claim({
        key: keyOf(event),
        token,
        nowSeconds,
        leaseSeconds: settings.leaseSeconds,
        ttlSeconds: settings.ttlSeconds,
      }),
    })),
  );

  const claimed: ReceivedEvent[] = [];
  for (const { event, result } of claims) {
    if (result === 'claimed') claimed.push(event);
    else if (result === 'duplicate') outcome.duplicates.push(event.deliveryId);
    else outcome.inProgress.push(event.deliveryId);
  }
  if (claimed.length === 0) return outcome;

  const receivedAt = new Date(nowMs).toISOString();
  const messages = claimed.map((event, index) => {
    const message: WebhookReceivedV1 = WebhookReceivedV1Schema.parse({
      type: 'webhook.received',
      version: 1,
      correlation_id: `${sourceName}:${event.deliveryId}`,
      source: sourceName,
      delivery_id: event.deliveryId,
      event_type: event.eventType,
      received_at: receivedAt,
      meta: event.meta,
      payload: event.payload,
    });
    return { id: String(index), body: JSON.stringify(message), correlationId: message.correlation_id, event };
  });

  const { failedIds, reasons } = await ports.queue.sendBatch(messages);
  const failed = new Set(failedIds);
  if (failed.size > 0)
    ports.logger.error('enqueue failed', { source: sourceName, count: failed.size, reasons });

  await Promise.all(
    messages.map(async ({ id, event }) => {
      const key = keyOf(event);
      if (failed.has(id)) {
        outcome.failed.push(event.deliveryId);
        await ports.dedupe.release(key, token).catch((error: unknown) => {
          // The lease runs out on its own; until then the sender's retry is answered "in progress".
          ports.logger.warn('could not release claim', { key, error: error as Error });
        });
        return;
      }
      outcome.accepted.push(event.deliveryId);
      await ports.dedupe.confirm(key, token).catch((error: unknown) => {
        // Enqueued but not marked done: a retry after the lease may enqueue again, and deliver's
        // deterministic unique_id keeps Klaviyo at one event.
        ports.logger.warn('could not confirm claim', { key, error: error as Error });
      });
    }),
  );
  return outcome;
}
