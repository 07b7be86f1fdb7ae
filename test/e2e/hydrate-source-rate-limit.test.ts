// A source API that rate-limits, through local mode (SQS emulator, the poller, the real hydrate and deliver
// handlers, the Klaviyo mock): a local source API on 127.0.0.1 that holds a steady N requests a second and answers
// 429 with Retry-After beyond it, and a hydrate backlog larger than maxReceiveCount × N. Waiting for the source's
// budget is not a failure (docs/adr/0012-deferral-and-dead-letters.md): every webhook is hydrated and delivered,
// and none reaches the hydrate DLQ.
import { readFile, rm } from 'node:fs/promises';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookReceivedV1 } from '../../functions/shared/stage/contracts.ts';
import { createSqsQueue } from '../../functions/shared/stage/sqs-queue.ts';
import { listen, sendJson, type RunningServer } from '../../local/http-server.ts';
import type { LocalStack } from '../../local/stack.ts';
import { startLocalStackWithDocument } from '../helpers/local-stack.ts';
import { waitFor } from '../helpers/wait.ts';
import { webhookReceived } from '../helpers/stage-messages.ts';

/** A source API that lets `perSecond` requests through per (fixed, one-second) window; beyond that, 429. */
async function startLimitedSourceApi(perSecond: number) {
  let windowStart = 0;
  let used = 0;
  const statuses: number[] = [];
  const server: RunningServer = await listen(async (req, res) => {
    await Promise.resolve();
    const now = Date.now();
    if (now - windowStart >= 1_000) {
      windowStart = now;
      used = 0;
    }
    if (used >= perSecond) {
      statuses.push(429);
      const retryAfter = Math.max(1, Math.ceil((windowStart + 1_000 - now) / 1_000));
      return sendJson(res, 429, { error: 'too many requests' }, { 'retry-after': String(retryAfter) });
    }
    used += 1;
    statuses.push(200);
    const id = new URL(req.url ?? '/', 'http://localhost').pathname.split('/')[2] ?? '';
    sendJson(res, 200, { id, email: `${id}@example.com`, first_name: 'Rate', last_name: 'Limited' });
  });
  return { url: server.url, statuses, close: () => server.close() };
}

let stack: LocalStack | undefined;
let api: Awaited<ReturnType<typeof startLimitedSourceApi>> | undefined;
let dir: string | undefined;
afterEach(async () => {
  await stack?.stop();
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  stack = undefined;
  api = undefined;
  dir = undefined;
});

/** The local stack with one source, `limited`, whose hydration calls the rate-limited API. */
async function start(perSecond: number, hydration: Record<string, unknown>, maxReceiveCount: number) {
  api = await startLimitedSourceApi(perSecond);
  const base = JSON.parse(await readFile('config/local.json', 'utf8')) as { klaviyo: unknown };
  const config = {
    version: 1,
    sources: {
      limited: {
        kind: 'token',
        secrets: [{ env: 'DEMO_WEBHOOK_SECRET' }],
        hydration: {
          base_url: api.url,
          timeout_ms: 3_000,
          steps: [{ name: 'customer', path: '/customers/{event.customer}' }],
          ...hydration,
        },
        mapping: { metric: 'Placed Order', profile: { email: ['customer.email'] } },
      },
    },
    klaviyo: base.klaviyo,
  };
  ({ stack, dir } = await startLocalStackWithDocument(config, { maxReceiveCount }));
  return stack;
}

function received(i: number): WebhookReceivedV1 {
  return webhookReceived({
    source: 'limited',
    id: `r-${i}`,
    eventType: 'order.created',
    receivedAt: new Date().toISOString(),
    payload: { id: String(i), customer: `cus_${i}` },
  });
}

async function enqueue(s: LocalStack, count: number) {
  const queue = createSqsQueue(s.aws.sqs, s.aws.hydrate.url);
  const messages = Array.from({ length: count }, (_, i) => received(i));
  const { failedIds } = await queue.sendBatch(
    messages.map((m, i) => ({ id: String(i), body: JSON.stringify(m), correlationId: m.correlation_id })),
  );
  if (failedIds.length > 0) throw new Error(`could not enqueue ${failedIds.length} messages`);
}

async function hydrateDlq(s: LocalStack): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const out = await s.aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: s.aws.hydrate.dlqUrl, MaxNumberOfMessages: 10 }),
    );
    if (!out.Messages?.length) return bodies;
    bodies.push(...out.Messages.map((m) => m.Body ?? ''));
  }
}

describe('a source API that rate-limits', () => {
  it('holding 5 requests/s against a 40-webhook backlog with maxReceiveCount 2: every webhook hydrated, none dead-lettered', async () => {
    const s = await start(5, {}, 2);
    const started = Date.now();
    await enqueue(s, 40);
    await waitFor('the backlog to drain', () => s.drained(), { timeoutMs: 90_000, intervalMs: 250 });
    const dlq = await hydrateDlq(s);
    expect(dlq).toEqual([]);
    const ids = new Set(s.klaviyoMock?.events().map((e) => e.uniqueId));
    expect(ids.size).toBe(40);
    // Diagnostics for the reader, not an assertion on time.
    console.info(
      `header-paced: ${api?.statuses.filter((x) => x === 429).length} 429s of ${api?.statuses.length} requests, ` +
        `drained in ${Date.now() - started} ms`,
    );
  }, 120_000);

  it('with requests_per_second below the source’s limit: every webhook hydrated, few or no 429s', async () => {
    const s = await start(5, { requests_per_second: 4 }, 2);
    const started = Date.now();
    await enqueue(s, 30);
    await waitFor('the backlog to drain', () => s.drained(), { timeoutMs: 90_000, intervalMs: 250 });
    expect(await hydrateDlq(s)).toEqual([]);
    expect(new Set(s.klaviyoMock?.events().map((e) => e.uniqueId)).size).toBe(30);
    const throttled = api?.statuses.filter((x) => x === 429).length ?? 0;
    expect(throttled).toBeLessThan(5);
    console.info(
      `client-paced: ${throttled} 429s of ${api?.statuses.length} requests, drained in ${Date.now() - started} ms`,
    );
  }, 120_000);
});
