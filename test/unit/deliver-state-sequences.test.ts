// Deliver orders state writes versioned by a sequence number (issue 20) as it orders those versioned by a time:
// the newest wins, per key. Sequences are compared with sequences (exactly, as numbers: 10 after 9, past 10^12 and
// 2^53), only with the same source's (two sources count apart), never with times; and their item in the state store
// is kept for the TTL counted from when the write is made (a sequence is no date: counted from it, the item was
// already expired, and DynamoDB would forget the order).
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsentItem } from '../../functions/deliver/consent-jobs.ts';
import { deliverBatch } from '../../functions/deliver/deliver-batch.ts';
import { deliverConsent } from '../../functions/deliver/deliver-consent.ts';
import { supersededInBatch, type ProfileRecord } from '../../functions/deliver/deliver-profiles.ts';
import type { KlaviyoClient, KlaviyoReader } from '../../functions/deliver/klaviyo-client.ts';
import {
  createDynamoStateVersions,
  profileStateKeys,
  type StateVersions,
} from '../../functions/deliver/state-versions.ts';
import { stateItemKeys, type StateVersion } from '../../functions/deliver/state-write-version.ts';
import { klaviyoSettingsSchema } from '../../functions/shared/config/klaviyo-settings.ts';
import { createLogger } from '../../functions/shared/logger.ts';
import type { DeliverMessage } from '../../functions/shared/stage/contracts.ts';
import type { ParsedRecord } from '../../functions/shared/stage/stage-options.ts';
import { startLocalAws, type LocalAws } from '../../local/emulators.ts';
import { consentFixture, memoryStateVersions } from '../helpers/consent-messages.ts';
import { upsertFixture } from '../helpers/stage-messages.ts';

const TTL = 86_400 * 120;
const NOW = Date.parse('2026-12-07T21:00:00.000Z');
const log = createLogger('deliver');

describe('the state store compares sequences with sequences', () => {
  let aws: LocalAws;
  let store: StateVersions;
  beforeAll(async () => {
    aws = await startLocalAws();
    store = createDynamoStateVersions(aws.dynamodb, aws.tableName, TTL, () => NOW);
  });
  afterAll(async () => {
    await aws.close();
  });
  const keys = (email: string) => profileStateKeys({ email });
  const seq = (sequence: string, source = 'shop') => ({ sequence, source });
  // As the state check asks: a sequence under its source's own items.
  const advance = (k: readonly string[], version: StateVersion) =>
    store.advance(stateItemKeys(k, version), version);

  it('as numbers: equal passes (a retry), lower is stale, across 10^12 and past 2^53 exactly', async () => {
    const k = keys('seq@example.com');
    const verdicts = [];
    for (const s of ['9', '10', '9', '10', '999999999999', '1000000000000', '999999999999'])
      verdicts.push(await advance(k, seq(s)));
    expect(verdicts).toEqual(['newest', 'newest', 'stale', 'newest', 'newest', 'newest', 'stale']);
    expect(await advance(k, seq('9007199254740993'))).toBe('newest');
    expect(await advance(k, seq('9007199254740992'))).toBe('stale');
    expect(await advance(k, seq('9'.repeat(38)))).toBe('newest');
    expect(await advance(k, seq('9'.repeat(37) + '8'))).toBe('stale');
  });

  it("only with the same source's, and never with times", async () => {
    const k = keys('mixed@example.com');
    expect(await advance(k, seq('1000', 'crm'))).toBe('newest');
    expect(await advance(k, seq('5', 'shop'))).toBe('newest');
    expect(await advance(k, seq('4', 'shop'))).toBe('stale');
    // A time write: ordered against times only (a sequence 1000 says nothing of 1970 or of 2026).
    expect(await advance(k, new Date('2026-12-01T00:00:00.000Z'))).toBe('newest');
    expect(await advance(k, new Date('2026-11-01T00:00:00.000Z'))).toBe('stale');
    expect(await advance(k, seq('1001', 'crm'))).toBe('newest');
  });

  it('keeps a sequence for the TTL from when the write is made', async () => {
    await advance(keys('ttl@example.com'), seq('42'));
    const { Items = [] } = await aws.dynamodb.send(new ScanCommand({ TableName: aws.tableName }));
    const sequences = Items.filter((item) => item.sequence_no !== undefined);
    expect(sequences.length).toBeGreaterThan(0);
    for (const item of sequences) {
      expect(item.pk?.S).toMatch(/^STATE#/);
      expect(item.expires_at?.N).toBe(String(Math.floor(NOW / 1000) + TTL));
    }
    const times = Items.filter((item) => item.as_of_ms !== undefined);
    expect(times.map((item) => item.expires_at?.N)).toContain(
      String(Math.floor(Date.parse('2026-12-01T00:00:00.000Z') / 1000) + TTL),
    );
  });

  it('through deliver: an older profile upsert and an older consent write are skipped', async () => {
    const written: string[] = [];
    const klaviyo = {
      post: (path: string, body: unknown) => {
        written.push(`${path} ${JSON.stringify(body).includes('Old') ? 'old' : 'new'}`);
        return Promise.resolve(new Response(null, { status: 202 }));
      },
    } as unknown as KlaviyoClient & KlaviyoReader;
    const upsert = (id: string, sequence: string, name: string) =>
      upsertFixture(id, {
        profile: { email: 'batch@example.com' },
        attributes: { first_name: name },
        sequence,
      });
    const consent = (id: string, sequence: string, consent: 'subscribed' | 'unsubscribed') =>
      consentFixture(id, { profile: { email: 'batch@example.com' }, consent, sequence });
    const messages: DeliverMessage[] = [
      upsert('u42', '42', 'New'),
      upsert('u41', '41', 'Old'),
      upsert('u42', '42', 'New'),
      consent('c10', '10', 'unsubscribed'),
      consent('c9', '9', 'subscribed'),
    ];
    const kinds: string[] = [];
    // One message a batch, in order, as a later webhook reaches deliver after an earlier one.
    for (const [i, message] of messages.entries()) {
      const record = { id: String(i), message, log, record: {} } as unknown as ParsedRecord<DeliverMessage>;
      const outcomes = await deliverBatch([record], {
        klaviyo,
        settings: klaviyoSettingsSchema().parse({ api_key: { env: 'K' } }),
        counters: { count: () => undefined },
        log,
        deadline: Number.MAX_SAFE_INTEGER,
        stateVersions: store,
      });
      kinds.push(outcomes.get(String(i))?.kind ?? 'none');
    }
    expect(kinds).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(written).toEqual([
      '/api/profile-import new',
      '/api/profile-import new',
      '/api/profile-subscription-bulk-delete-jobs new',
    ]);
  });
});

describe('a sequence write holds its lease on its own items (ADR 0032)', () => {
  let aws: LocalAws;
  beforeAll(async () => {
    aws = await startLocalAws();
  });
  afterAll(async () => {
    await aws.close();
  });

  it('takes it there, and ends it there once profile import answered', async () => {
    const store = createDynamoStateVersions(aws.dynamodb, aws.tableName, TTL, () => NOW);
    const klaviyo = {
      post: () => Promise.resolve(new Response(null, { status: 202 })),
    } as unknown as KlaviyoClient & KlaviyoReader;
    const message = upsertFixture('u7', { profile: { email: 'lease@example.com' }, sequence: '7' });
    const record = { id: 'u7', message, log, record: {} } as unknown as ParsedRecord<DeliverMessage>;
    const outcomes = await deliverBatch([record], {
      klaviyo,
      settings: klaviyoSettingsSchema().parse({ api_key: { env: 'K' } }),
      counters: { count: () => undefined },
      log,
      deadline: Number.MAX_SAFE_INTEGER,
      stateVersions: store,
      now: () => NOW,
    });
    expect(outcomes.get('u7')).toEqual({ kind: 'done' });
    const { Items = [] } = await aws.dynamodb.send(new ScanCommand({ TableName: aws.tableName }));
    const [item] = Items.filter((i) => i.sequence_no !== undefined);
    expect(item?.pk?.S).toMatch(/^STATE#profile#email#[0-9a-f]{64}#sequence:demo$/);
    expect(Items.filter((i) => i.lease_owner !== undefined)).toEqual([]);
  });
});

describe('within one batch, the highest sequence wins', () => {
  it('of consent writes for one profile and channel (10 after 9, in either order)', async () => {
    const unsubscribe: ConsentItem = {
      id: 'unsub',
      message: consentFixture('unsub', { consent: 'unsubscribed', sequence: '10' }),
    };
    const subscribe: ConsentItem = { id: 'sub', message: consentFixture('sub', { sequence: '9' }) };
    for (const batch of [
      [subscribe, unsubscribe],
      [unsubscribe, subscribe],
    ]) {
      const paths: string[] = [];
      const counts: Record<string, number> = {};
      const klaviyo: KlaviyoClient = {
        post: (path) =>
          Promise.resolve(void paths.push(path)).then(() => new Response(null, { status: 202 })),
      };
      const outcomes = await deliverConsent(batch, {
        klaviyo,
        counters: { count: (name, value = 1) => void (counts[name] = (counts[name] ?? 0) + value) },
        deadline: Number.POSITIVE_INFINITY,
        log,
        logOf: () => log,
        maxInFlight: 2,
        stateVersions: memoryStateVersions(),
      });
      expect(paths).toEqual(['/api/profile-subscription-bulk-delete-jobs']);
      expect(outcomes.get('sub')).toEqual({ kind: 'done' });
      expect(counts.stale_state_skipped).toBe(1);
    }
  });

  it('of profile upserts for one profile, and a sequence never supersedes a time or another source', () => {
    const record = (id: string, fields: Record<string, unknown>) =>
      ({ id, message: upsertFixture(id, fields), log, record: {} }) as unknown as ProfileRecord;
    expect(supersededInBatch([record('a', { sequence: '10' }), record('b', { sequence: '9' })])).toEqual(
      new Set(['b']),
    );
    expect(
      supersededInBatch([
        record('a', { sequence: '10' }),
        record('b', { as_of: '2026-12-01T00:00:00.000Z' }),
        record('c', { sequence: '2', source: 'crm' }),
      ]),
    ).toEqual(new Set());
  });
});
