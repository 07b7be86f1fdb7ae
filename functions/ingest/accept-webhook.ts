// The ingest use case, after authentication: claim each event's delivery id, enqueue what was claimed,
// then confirm it (in batches) — or release the claim when the enqueue failed, so the sender's retry gets
// through.
import { randomUUID } from 'node:crypto';
import { webhookReceivedV1Schema, type WebhookReceivedV1 } from '../shared/stage/contracts.ts';
import type { Logger } from '../shared/logger.ts';
import { encodeMessageBody } from '../shared/stage/message-body.ts';
import type { MessageQueue } from '../shared/stage/sqs-queue.ts';
import type { DedupeStore } from './dedupe-store.ts';
import { HttpError } from './http-error.ts';
import { mapBounded } from '../shared/map-bounded.ts';
import type { ReceivedEvent } from './sources/source-adapter.ts';

/**
 * DynamoDB calls in flight at once for one request. Each claim stays its own conditional put (DynamoDB
 * has no conditional batch write); the bound keeps a 1,000-event request from opening 1,000 sockets.
 */
const CLAIM_CONCURRENCY = 64;

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

  // Messages are built (and bounded) before anything is claimed: an event too large for the queue (its claim
  // check's bound, else the queue's MAX_MESSAGE_BYTES) must be a 413 now, not a claim followed by an enqueue
  // that fails on every retry.
  const receivedAt = new Date(nowMs).toISOString();
  const built = new Map<string, string>();
  for (const event of unique) {
    const message: WebhookReceivedV1 = webhookReceivedV1Schema().parse({
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
    // Counted after encoding: the size checked is the size sent (U+FFFE/U+FFFF take 6 bytes instead of 3).
    const body = encodeMessageBody(message);
    const bytes = Buffer.byteLength(body);
    if (bytes > ports.queue.maxBodyBytes) {
      throw new HttpError(
        413,
        'event_too_large',
        `event ${event.deliveryId} makes a ${bytes}-byte message; a queue message holds at most ${ports.queue.maxBodyBytes}`,
      );
    }
    built.set(event.deliveryId, body);
  }

  // Every claim runs to its end even when one errors, so the request knows what it holds.
  const claims = await mapBounded(unique, CLAIM_CONCURRENCY, async (event) => {
    try {
      const result = await ports.dedupe.claim({
        key: keyOf(event),
        token,
        nowSeconds,
        leaseSeconds: settings.leaseSeconds,
        ttlSeconds: settings.ttlSeconds,
      });
      return { event, result, error: undefined };
    } catch (error) {
      return { event, result: undefined, error };
    }
  });

  const claimErrors = claims.filter((c) => c.result === undefined);
  if (claimErrors.length > 0) {
    // One failed claim fails the request (5xx, the sender retries it whole). Give back what this request
    // took — and the errored ones, whose put may have landed before the error — so that retry is claimed
    // afresh instead of answered "in progress" until the lease ends. Release is conditional on our token.
    const ours = claims.filter((c) => c.result === 'claimed' || c.result === undefined);
    await mapBounded(ours, CLAIM_CONCURRENCY, async ({ event }) => {
      const key = keyOf(event);
      await ports.dedupe.release(key, token).catch((error: unknown) => {
        ports.logger.warn('could not release claim', { key, error: error as Error });
      });
    });
    ports.logger.error('claim failed', {
      source: sourceName,
      count: claimErrors.length,
      released: ours.length,
    });
    throw claimErrors[0]?.error;
  }

  const claimed: ReceivedEvent[] = [];
  for (const { event, result } of claims) {
    if (result === 'claimed') claimed.push(event);
    else if (result === 'duplicate') outcome.duplicates.push(event.deliveryId);
    else outcome.inProgress.push(event.deliveryId);
  }
  if (claimed.length === 0) return outcome;

  const messages = claimed.map((event, index) => ({
    id: String(index),
    body: built.get(event.deliveryId) ?? '',
    correlationId: `${sourceName}:${event.deliveryId}`,
    event,
  }));

  const { failedIds, reasons } = await ports.queue.sendBatch(messages);
  const failed = new Set(failedIds);
  if (failed.size > 0)
    ports.logger.error('enqueue failed', { source: sourceName, count: failed.size, reasons });

  const enqueued = messages.filter(({ id }) => !failed.has(id));
  const notEnqueued = messages.filter(({ id }) => failed.has(id));
  for (const { event } of enqueued) outcome.accepted.push(event.deliveryId);
  for (const { event } of notEnqueued) outcome.failed.push(event.deliveryId);

  const expiresAtSeconds = nowSeconds + settings.ttlSeconds;
  await Promise.all([
    ports.dedupe
      .confirmAll(
        enqueued.map(({ event }) => ({
          key: keyOf(event),
          token,
          expiresAtSeconds,
          claimedAtSeconds: nowSeconds,
        })),
      )
      .then((unconfirmed) => {
        // Enqueued but not marked done: a retry after the lease may enqueue again, and deliver's
        // deterministic unique_id keeps Klaviyo at one event.
        if (unconfirmed.length > 0)
          ports.logger.warn('could not confirm claims', {
            count: unconfirmed.length,
            keys: unconfirmed.slice(0, 5),
          });
      })
      .catch((error: unknown) => {
        ports.logger.warn('could not confirm claims', { count: enqueued.length, error: error as Error });
      }),
    mapBounded(notEnqueued, CLAIM_CONCURRENCY, async ({ event }) => {
      const key = keyOf(event);
      await ports.dedupe.release(key, token).catch((error: unknown) => {
        // The lease runs out on its own; until then the sender's retry is answered "in progress".
        ports.logger.warn('could not release claim', { key, error: error as Error });
      });
    }),
  ]);
  return outcome;
}
