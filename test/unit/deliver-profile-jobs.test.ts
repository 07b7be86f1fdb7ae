// Profile upserts as Bulk Import Profiles jobs, through deliverBatch: the threshold, the read-back (refused rows
// dead-lettered with Klaviyo's error, the others delivered), a job not done by the deadline (nothing lost, no
// second job), the state check before a profile joins a job, and the reads on their own budgets.
import { describe, expect, it } from 'vitest';
import { deliverBatch } from '../../functions/deliver/deliver-batch.ts';
import { KlaviyoRejection } from '../../functions/deliver/klaviyo-client.ts';
import { PROFILE_BULK_THRESHOLD, PROFILE_JOB_PATHS } from '../../functions/deliver/profile-bulk-plan.ts';
import { profileStateKeys, type StateVersions } from '../../functions/deliver/state-versions.ts';
import { klaviyoSettingsSchema } from '../../functions/shared/config/relay-config.ts';
import { createLogger } from '../../functions/shared/logger.ts';
import type { DeliverMessage } from '../../functions/shared/stage/contracts.ts';
import { PermanentError, RetryableError } from '../../functions/shared/stage/errors.ts';
import type { RecordOutcome } from '../../functions/shared/stage/stage-options.ts';
import { fakeClock, fakeJobKlaviyo, recordsOf, type JobScript } from '../helpers/fake-profile-jobs.ts';
import { upsertFixture } from '../helpers/stage-messages.ts';

const upsert = (i: number, asOf?: string, email = `user${i}@example.com`) =>
  upsertFixture(`d-${i}`, {
    profile: { email },
    attributes: { first_name: `Ada ${i}` },
    ...(asOf ? { as_of: asOf } : {}),
  });
const upserts = (n: number) => Array.from({ length: n }, (_, i) => upsert(i));

async function deliver(
  messages: DeliverMessage[],
  script: JobScript = {},
  more: {
    receiveCount?: number;
    deadlineInMs?: number;
    stateVersions?: StateVersions;
    settings?: Record<string, unknown>;
  } = {},
) {
  const { klaviyo, calls } = fakeJobKlaviyo(script);
  const clock = fakeClock();
  const counts: Record<string, number> = {};
  const outcomes = await deliverBatch(recordsOf(messages, more.receiveCount), {
    klaviyo,
    settings: klaviyoSettingsSchema().parse({ api_key: { env: 'K' }, ...more.settings }),
    counters: { count: (name, value = 1) => void (counts[name] = (counts[name] ?? 0) + value) },
    log: createLogger('deliver'),
    deadline: clock.now() + (more.deadlineInMs ?? 60_000),
    stateVersions: more.stateVersions,
    now: clock.now,
    sleep: clock.sleep,
  });
  const kinds = (outcome: RecordOutcome | undefined) => outcome?.kind ?? 'none';
  return { calls, counts, outcomes, kindOf: (i: number) => kinds(outcomes.get(`m${i}`)) };
}

const jobRows = (body: unknown) =>
  (body as { data: { attributes: { profiles: { data: { attributes: { email?: string } }[] } } } }).data
    .attributes.profiles.data;
const paths = (calls: { method: string; path: string }[]) => calls.map((c) => `${c.method} ${c.path}`);

describe('profile upserts as a Bulk Import Profiles job', () => {
  it(`imports fewer than ${PROFILE_BULK_THRESHOLD} one by one, and ${PROFILE_BULK_THRESHOLD} as one job`, async () => {
    const few = await deliver(upserts(PROFILE_BULK_THRESHOLD - 1));
    expect(few.calls.every((c) => c.path === '/api/profile-import')).toBe(true);
    expect(few.calls).toHaveLength(PROFILE_BULK_THRESHOLD - 1);

    const many = await deliver(upserts(PROFILE_BULK_THRESHOLD));
    expect(paths(many.calls)).toEqual([
      'POST /api/profile-bulk-import-jobs',
      'GET /api/profile-bulk-import-jobs/JOB0',
    ]);
    expect(jobRows(many.calls[0]?.body)).toHaveLength(PROFILE_BULK_THRESHOLD);
    expect([...many.outcomes.values()].every((o) => o.kind === 'done')).toBe(true);
    expect(many.counts.delivered).toBe(PROFILE_BULK_THRESHOLD);
  });

  it('takes the threshold from klaviyo.profile_bulk_threshold (default 20, from 2 to 10,000)', async () => {
    expect(klaviyoSettingsSchema().parse({ api_key: { env: 'K' } }).profile_bulk_threshold).toBe(20);
    for (const refused of [1, 10_001, 20.5])
      expect(
        klaviyoSettingsSchema().safeParse({ api_key: { env: 'K' }, profile_bulk_threshold: refused }).success,
      ).toBe(false);

    const low = await deliver(upserts(5), {}, { settings: { profile_bulk_threshold: 5 } });
    expect(paths(low.calls)[0]).toBe('POST /api/profile-bulk-import-jobs');
    expect(jobRows(low.calls[0]?.body)).toHaveLength(5);
    const fewer = await deliver(upserts(4), {}, { settings: { profile_bulk_threshold: 5 } });
    expect(fewer.calls.map((c) => c.path)).toEqual(Array(4).fill('/api/profile-import'));
    // Above the batch's size, jobs are off: every upsert goes through profile import.
    const off = await deliver(upserts(30), {}, { settings: { profile_bulk_threshold: 10_000 } });
    expect(off.calls.map((c) => c.path)).toEqual(Array(30).fill('/api/profile-import'));
  });

  it('imports a profile over 100 KB alone, beside the job', async () => {
    const messages = upserts(21);
    messages[2] = upsertFixture('d-2', {
      profile: { email: 'big@example.com' },
      properties: { notes: 'x'.repeat(110_000) },
    });
    const { calls, counts } = await deliver(messages);
    expect(paths(calls).filter((p) => p.startsWith('POST'))).toEqual([
      'POST /api/profile-import',
      'POST /api/profile-bulk-import-jobs',
    ]);
    expect(jobRows(calls.find((c) => c.path === PROFILE_JOB_PATHS.create)?.body)).toHaveLength(20);
    expect(counts.delivered).toBe(21);
  });

  it('waits while the job runs, reading it on its own budget', async () => {
    const { calls, counts } = await deliver(upserts(25), { statuses: ['queued', 'processing', 'complete'] });
    const reads = calls.filter((c) => c.method === 'GET');
    expect(reads).toHaveLength(3);
    expect(reads.every((c) => c.budget === PROFILE_JOB_PATHS.job)).toBe(true);
    expect(counts.delivered).toBe(25);
  });

  it("dead-letters exactly the refused profiles with Klaviyo's error; the others are delivered", async () => {
    const { calls, counts, outcomes, kindOf } = await deliver(upserts(30), {
      failed: 2,
      pages: [
        [
          {
            code: 'invalid',
            title: 'Invalid input.',
            detail: 'Invalid email address',
            source: { pointer: '/data/attributes/profiles/data/3/attributes/email' },
          },
        ],
        [
          {
            code: 'invalid',
            title: 'Invalid input.',
            detail: 'Invalid phone number',
            source: { pointer: '/data' },
            original_payload: { email: 'user7@example.com', first_name: 'Ada 7' },
          },
        ],
      ],
    });
    expect(paths(calls)).toEqual([
      'POST /api/profile-bulk-import-jobs',
      'GET /api/profile-bulk-import-jobs/JOB0',
      'GET /api/profile-bulk-import-jobs/JOB0/import-errors?page[size]=100',
      'GET http://klaviyo.test/api/profile-bulk-import-jobs/JOB0/import-errors?page[cursor]=1',
    ]);
    expect(calls.slice(2).every((c) => c.budget === PROFILE_JOB_PATHS.errors)).toBe(true);
    const refused = [3, 7].map((i) => outcomes.get(`m${i}`));
    for (const outcome of refused) expect(outcome?.kind).toBe('dead-letter');
    const [three, seven] = refused.map((o) => (o?.kind === 'dead-letter' ? o.error : undefined));
    expect(three).toBeInstanceOf(PermanentError);
    expect(three?.message).toContain('Invalid email address');
    expect(three?.message).toContain('/data/attributes/profiles/data/3/attributes/email');
    expect(three?.detail).toMatchObject({ job_id: 'JOB0', error: { code: 'invalid' } });
    expect(seven?.message).toContain('Invalid phone number');
    for (const i of [0, 1, 2, 4, 5, 6, 8, 29]) expect(kindOf(i)).toBe('done');
    expect(counts.delivered).toBe(28);
  });

  it('imports one by one the profiles of a job whose errors do not name every failed row', async () => {
    const { calls, outcomes, kindOf } = await deliver(upserts(20), {
      failed: 2,
      pages: [
        [
          {
            code: 'invalid',
            detail: 'Invalid email',
            source: { pointer: '/data/attributes/profiles/data/1' },
          },
        ],
      ],
      refuseImport: (body) =>
        JSON.stringify(body).includes('user5@')
          ? new KlaviyoRejection('POST answered 400', 'klaviyo_400', 400, [{ detail: 'bad' }], [])
          : undefined,
    });
    expect(kindOf(1)).toBe('dead-letter');
    expect(calls.filter((c) => c.path === '/api/profile-import')).toHaveLength(19);
    expect(kindOf(5)).toBe('dead-letter');
    expect([...outcomes.values()].filter((o) => o.kind === 'done')).toHaveLength(18);
  });

  it('loses nothing when the job is not done by the deadline, and never puts a profile in a second job', async () => {
    const script = { statuses: ['processing'] };
    const asOf = '2026-12-01T10:00:00.000Z';
    const upserts = (n: number) => Array.from({ length: n }, (_, i) => upsert(i, asOf));
    const first = await deliver(upserts(20), script, { deadlineInMs: 6_000 });
    expect(paths(first.calls).filter((p) => p.startsWith('POST'))).toEqual([
      'POST /api/profile-bulk-import-jobs',
    ]);
    for (let i = 0; i < 20; i++) {
      const outcome = first.outcomes.get(`m${i}`);
      expect(outcome?.kind).toBe('retry');
      expect(outcome?.kind === 'retry' && outcome.error).toBeInstanceOf(RetryableError);
      expect(outcome?.kind === 'retry' && (outcome.error as RetryableError).reason).toBe(
        'profile_job_unfinished',
      );
      expect(outcome?.kind === 'retry' && outcome.error.message).toContain('JOB0');
    }
    // Reads at 1, 2 and 4 s; the next (at 8 s) would pass the 6 s deadline, so it is not made.
    expect(first.calls.filter((c) => c.method === 'GET')).toHaveLength(3);
    // Their next attempt: one profile import each, no job, each checked against the newest write first (a newer
    // write of user0 made meanwhile wins: the retry of the older is skipped, not imported over it).
    const newer = new Set(profileStateKeys({ email: 'user0@example.com' }));
    const stateVersions: StateVersions = {
      advance: (keys) => Promise.resolve(keys.some((k) => newer.has(k)) ? 'stale' : 'newest'),
    };
    const again = await deliver(upserts(20), script, { receiveCount: 2, stateVersions });
    expect(again.calls.every((c) => c.method === 'POST' && c.path === '/api/profile-import')).toBe(true);
    expect(again.calls).toHaveLength(19);
    expect(JSON.stringify(again.calls)).not.toContain('user0@');
    expect(again.counts.delivered).toBe(19);
    expect(again.counts.stale_state_skipped).toBe(1);
  });

  it('counts the profiles of a job not read back (profile_job_unfinished), whatever kept it from completing', async () => {
    const late = await deliver(upserts(20), { statuses: ['processing'] }, { deadlineInMs: 6_000 });
    expect(late.counts.profile_job_unfinished).toBe(20);
    const cancelled = await deliver(upserts(21), { statuses: ['processing', 'cancelled'] });
    expect(cancelled.counts.profile_job_unfinished).toBe(21);
    const done = await deliver(upserts(20));
    expect(done.counts.profile_job_unfinished).toBeUndefined();
  });

  it('retries the profiles of a job Klaviyo cancelled', async () => {
    const { outcomes } = await deliver(upserts(20), { statuses: ['processing', 'cancelled'] });
    expect([...outcomes.values()].every((o) => o.kind === 'retry')).toBe(true);
  });

  it('dead-letters the profile a refused job names, and sends the rest as a new job', async () => {
    const rejection = new KlaviyoRejection(
      'POST answered 400',
      'klaviyo_400',
      400,
      [
        {
          code: 'invalid',
          detail: 'bad email',
          source: { pointer: '/data/attributes/profiles/data/4/attributes/email' },
        },
      ],
      [],
    );
    const { calls, kindOf, counts } = await deliver(upserts(21), {
      refuse: (job) => (job === 0 ? rejection : undefined),
    });
    expect(kindOf(4)).toBe('dead-letter');
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(jobRows(posts[1]?.body).map((r) => r.attributes.email)).not.toContain('user4@example.com');
    expect(jobRows(posts[1]?.body)).toHaveLength(20);
    expect(counts.delivered).toBe(20);
  });

  it('checks state before a profile joins the job: stale ones and ones superseded in the batch stay out', async () => {
    const staleKeys = new Set(
      ['user0@example.com', 'user1@example.com'].flatMap((email) => profileStateKeys({ email })),
    );
    const stateVersions: StateVersions = {
      advance: (keys) => Promise.resolve(keys.some((k) => staleKeys.has(k)) ? 'stale' : 'newest'),
    };

    const messages = [
      ...Array.from({ length: 22 }, (_, i) => upsert(i, '2026-12-01T10:00:00.000Z')),
      // An older write of user5 later in the batch, and a newer one of user6.
      upsert(105, '2026-11-01T10:00:00.000Z', 'user5@example.com'),
      upsert(106, '2026-12-02T10:00:00.000Z', 'user6@example.com'),
    ];
    const { calls, counts, kindOf } = await deliver(messages, {}, { stateVersions });
    const rows = jobRows(calls[0]?.body);
    expect(rows.map((r) => r.attributes.email)).not.toContain('user0@example.com');
    expect(rows.filter((r) => r.attributes.email === 'user5@example.com')).toHaveLength(1);
    expect(rows.filter((r) => r.attributes.email === 'user6@example.com')).toHaveLength(1);
    expect(rows).toHaveLength(20);
    expect(counts.stale_state_skipped).toBe(4);
    expect([0, 1, 6, 22].map(kindOf)).toEqual(['done', 'done', 'done', 'done']);
  });
});
