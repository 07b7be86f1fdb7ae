// Replay re-feeds events, not old state (issue 18, item 8). Replaying an old `customers/update` put the old last
// name and address back: backfill gated events only. Now a replayed webhook's profile write is left out unless
// asked (`relay replay --with-profiles`), and deliver skips any profile write older than one the relay already
// made for that profile (the dedupe table keeps the newest time per identifier). Replayed copies are not archived
// again, and `relay replay` builds each copy from the archived webhook alone (no flags an earlier copy carried).
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayCopy } from '../../cli/commands/replay.ts';
import { deliverBatch } from '../../functions/deliver/deliver-batch.ts';
import type { KlaviyoClient, KlaviyoReader } from '../../functions/deliver/klaviyo-client.ts';
import { createDynamoStateVersions } from '../../functions/deliver/state-versions.ts';
import { createHydrateHandler } from '../../functions/hydrate/handler.ts';
import { hydrateEvent } from '../../functions/hydrate/hydrate-event.ts';
import { relayConfigSchema } from '../../functions/shared/config/relay-config.ts';
import { klaviyoSettingsSchema } from '../../functions/shared/config/klaviyo-settings.ts';
import {
  deliverMessageSchema,
  type DeliverMessage,
  type WebhookReceivedV1,
} from '../../functions/shared/stage/contracts.ts';
import { createLogger } from '../../functions/shared/logger.ts';
import type { MessageQueue } from '../../functions/shared/stage/sqs-queue.ts';
import type { ParsedRecord } from '../../functions/shared/stage/stage-options.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import { startLocalAws, type LocalAws } from '../../local/emulators.ts';
import { stageMessageRecord } from '../helpers/sqs-record.ts';
import { webhookReceived } from '../helpers/stage-messages.ts';
import { acceptingSqs, HYDRATE_QUEUES_ENV } from '../helpers/handler-ports.ts';

const config = relayConfigSchema().parse({
  version: 1,
  sources: {
    shop: {
      kind: 'generic-hmac',
      secrets: [{ env: 'S' }],
      signature: { header: 'x-sig' },
      mapping: {
        profile: { email: ['event.email'] },
        profile_attributes: { last_name: 'event.last_name', 'location.city': 'event.city' },
      },
    },
  },
  klaviyo: { api_key: { env: 'K' } },
});

function webhook(id: string, receivedAt: string, more: Partial<WebhookReceivedV1> = {}): WebhookReceivedV1 {
  return webhookReceived(
    {
      source: 'shop',
      id,
      eventType: 'customers/update',
      receivedAt,
      payload: { email: 'Ada@Example.com', last_name: 'Byron', city: 'London' },
    },
    more,
  );
}

/** What hydrate sends to deliver for one webhook. */
async function hydrated(message: WebhookReceivedV1): Promise<DeliverMessage[]> {
  const sent: DeliverMessage[] = [];
  const deliverQueue: MessageQueue = {
    maxBodyBytes: 1_000_000,
    sendBatch(messages) {
      sent.push(...messages.map((m) => deliverMessageSchema().parse(JSON.parse(m.body))));
      return Promise.resolve({ failedIds: [], reasons: [] });
    },
    send: () => Promise.resolve(),
  };
  await hydrateEvent(message, {
    config,
    deliverQueue,
    fetch: () => Promise.reject(new Error('no source API here')),
    resolveSecret: () => Promise.resolve('secret'),
    now: Date.now,
    log: createLogger('hydrate'),
  });
  return sent;
}

describe('hydrate leaves a replayed webhook’s profile write out unless asked', () => {
  it('a replay (backfill, as relay replay sent it) sends the event alone', async () => {
    const live = await hydrated(webhook('d-1', '2026-10-01T09:00:00.000Z'));
    expect(live.map((m) => m.type)).toEqual(['klaviyo.profile-upsert', 'klaviyo.event']);
    const replayed = await hydrated(webhook('d-1', '2026-10-01T09:00:00.000Z', { backfill: true }));
    expect(replayed.map((m) => m.type)).toEqual(['klaviyo.event']);
    expect(replayed[0]).toMatchObject({ backfill: true });
  });

  it('with profiles asked for, sends the write with the time of its state', async () => {
    const replayed = await hydrated(
      webhook('d-1', '2026-10-01T09:00:00.000Z', { backfill: true, replay: { profiles: true } }),
    );
    expect(replayed.map((m) => m.type)).toEqual(['klaviyo.profile-upsert', 'klaviyo.event']);
    expect(replayed[0]).toMatchObject({ as_of: '2026-10-01T09:00:00.000Z' });
  });

  it('does not archive a replayed copy again', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'archive-'));
    const handler = createHydrateHandler({
      env: {
        ...HYDRATE_QUEUES_ENV,
        ARCHIVE_DIR: dir,
      },
      sqs: acceptingSqs(),
      loadConfig: () => Promise.resolve(config),
      resolveSecret: () => Promise.resolve('secret'),
    });
    const replayed = webhook('d-2', '2026-10-01T09:00:00.000Z', {
      backfill: true,
      replay: { profiles: false },
    });
    const out = await handler(
      { Records: [stageMessageRecord('m-1', replayed, 'hydrate')] },
      lambdaContext('hydrate', 'ctx-replay', 30_000),
    );
    expect(out.batchItemFailures).toEqual([]);
    expect((await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.jsonl.gz'))).toEqual([]);
  });
});

describe('deliver writes profile state forward only', () => {
  let aws: LocalAws;
  beforeAll(async () => {
    aws = await startLocalAws();
  });
  afterAll(async () => {
    await aws.close();
  });

  async function deliverUpserts(
    messages: DeliverMessage[],
  ): Promise<{ written: unknown[]; outcomes: string[] }> {
    const written: unknown[] = [];
    const klaviyo = {
      post: (_path: string, body: unknown) => {
        written.push(body);
        return Promise.resolve({});
      },
    } as unknown as KlaviyoClient & KlaviyoReader;
    const log = createLogger('deliver');
    const records = messages.map(
      (message, i) =>
        ({ id: String(i), message, log, record: {} }) as unknown as ParsedRecord<DeliverMessage>,
    );
    const outcomes = new Map<string, { kind: string }>();
    // One message a batch, in order, as a later webhook reaches deliver after an earlier one.
    for (const record of records)
      for (const [id, outcome] of await deliverBatch([record], {
        klaviyo,
        settings: klaviyoSettingsSchema().parse({ api_key: { env: 'K' } }),
        counters: { count: () => undefined },
        log,
        deadline: Number.MAX_SAFE_INTEGER,
        stateVersions: createDynamoStateVersions(aws.dynamodb, aws.tableName, 86_400 * 120),
      }))
        outcomes.set(id, outcome);
    return { written, outcomes: records.map((r) => outcomes.get(r.id)?.kind ?? 'none') };
  }

  it('skips a replayed profile write older than the newest the relay made; writes newer ones and retries', async () => {
    const [newer] = await hydrated(webhook('d-new', '2026-12-01T09:00:00.000Z'));
    const [older] = await hydrated(
      webhook('d-old', '2026-10-01T09:00:00.000Z', {
        payload: { email: 'ada@example.com', last_name: 'Lovelace-King', city: 'Ockham' },
        replay: { profiles: true },
      }),
    );
    const [newest] = await hydrated(webhook('d-newest', '2026-12-02T09:00:00.000Z'));
    if (!newer || !older || !newest) throw new Error('hydrate should send profile writes');
    const { written, outcomes } = await deliverUpserts([newer, older, newer, newest]);
    // The live write, then the replay of October's (skipped: the email matches in any case), the live write
    // again (a retry: same time, written), then a newer one.
    expect(outcomes).toEqual(['done', 'done', 'done', 'done']);
    expect(written).toHaveLength(3);
    expect(JSON.stringify(written)).not.toContain('Ockham');
  });
});

describe('relay replay builds each copy from the archived webhook alone', () => {
  it('drops the flags an earlier replay left on an archived copy, then sets its own', () => {
    const archived = webhook('d-3', '2026-10-01T09:00:00.000Z', {
      backfill: true,
      replay: { profiles: true },
    });
    expect(replayCopy(archived, { backfill: false, profiles: false })).toEqual({
      ...webhook('d-3', '2026-10-01T09:00:00.000Z'),
      replay: { profiles: false },
    });
    expect(replayCopy(archived, { backfill: true, profiles: true })).toMatchObject({
      backfill: true,
      replay: { profiles: true },
    });
  });
});
