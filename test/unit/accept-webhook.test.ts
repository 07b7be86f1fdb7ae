// acceptWebhook against an in-memory dedupe store: when one claim of a multi-event request errors, the claims
// this request already took are released at once (the sender's retry is not answered "in progress" until the
// lease ends), the error is passed on (5xx, the sender retries) and nothing is enqueued.
import { describe, expect, it } from 'vitest';
import { acceptWebhook } from '../../functions/ingest/accept-webhook.ts';
import type { ClaimRequest, ClaimResult, DedupeStore } from '../../functions/ingest/dedupe-store.ts';
import type { ReceivedEvent } from '../../functions/ingest/sources/source-adapter.ts';
import type { Logger } from '../../functions/shared/logger.ts';
import type { MessageQueue } from '../../functions/shared/stage/sqs-queue.ts';

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;

function memoryStore(failing: (key: string) => boolean) {
  const held = new Map<string, string>();
  const released: string[] = [];
  const store: DedupeStore = {
    async claim(request: ClaimRequest): Promise<ClaimResult> {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (failing(request.key)) throw new Error(`DynamoDB refused ${request.key}`);
      if (held.has(request.key)) return 'in_progress';
      held.set(request.key, request.token);
      return 'claimed';
    },
    confirmAll: () => Promise.resolve([]),
    release(key, token) {
      released.push(key);
      if (held.get(key) === token) held.delete(key);
      return Promise.resolve();
    },
  };
  return { store, held, released };
}

const events: ReceivedEvent[] = Array.from({ length: 5 }, (_, i) => ({
  deliveryId: `e${i}`,
  eventType: 'profile.updated',
  meta: {},
  payload: { n: i },
}));

describe('a claim that errors in a multi-event request', () => {
  it('releases the claims this request took and passes the error on', async () => {
    const { store, held, released } = memoryStore((key) => key === 'kl#e2');
    const sent: unknown[] = [];
    const queue: MessageQueue = {
      maxBodyBytes: 256 * 1024,
      sendBatch: (messages) => {
        sent.push(...messages);
        return Promise.resolve({ failedIds: [], reasons: [] });
      },
      send: () => Promise.resolve(),
    };
    await expect(
      acceptWebhook('kl', events, { ttlSeconds: 86_400, leaseSeconds: 60 }, { dedupe: store, queue, logger }),
    ).rejects.toThrow(/refused kl#e2/);
    expect(sent).toEqual([]);
    expect(held.size).toBe(0);
    expect(released).toEqual(expect.arrayContaining(['kl#e0', 'kl#e1', 'kl#e3', 'kl#e4']));

    // The sender's retry is claimed afresh, not answered "in progress".
    const retried = await acceptWebhook(
      'kl',
      events.filter((e) => e.deliveryId !== 'e2'),
      { ttlSeconds: 86_400, leaseSeconds: 60 },
      { dedupe: store, queue, logger },
    );
    expect(retried.inProgress).toEqual([]);
    expect(retried.accepted).toHaveLength(4);
  });
});
