// Ordered state writes across deliver instances (issue 20, ADR 0032): two deliverBatch calls share one state store
// (local mode's DynamoDB) and one Klaviyo that applies jobs when it gets to them. A write in flight holds a lease on
// its state; a newer write of that state from another instance waits (a deferral), an older one is stale, and the
// same message's retry passes. Each race ends with the newer state at Klaviyo.
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { deliverBatch } from '../../functions/deliver/deliver-batch.ts';
import { KlaviyoRejection } from '../../functions/deliver/klaviyo-client.ts';
import { PROFILE_BULK_THRESHOLD } from '../../functions/deliver/profile-bulk-plan.ts';
import {
  CONSENT_JOB_SETTLE_MS,
  IN_FLIGHT_RECHECK_SECONDS,
  STATE_LEASE_MS,
} from '../../functions/deliver/state-leases.ts';
import { createDynamoStateVersions } from '../../functions/deliver/state-versions.ts';
import { klaviyoSettingsSchema } from '../../functions/shared/config/relay-config.ts';
import { createLogger } from '../../functions/shared/logger.ts';
import type { DeliverMessage } from '../../functions/shared/stage/contracts.ts';
import { CountedDeferral, DeferredError, RetryableError } from '../../functions/shared/stage/errors.ts';
import type { RecordOutcome } from '../../functions/shared/stage/stage-options.ts';
import { consentFixture } from '../helpers/consent-messages.ts';
import { fakeAsyncKlaviyo } from '../helpers/fake-async-klaviyo.ts';
import { recordsOf } from '../helpers/fake-profile-jobs.ts';
import { useLocalAws } from '../helpers/local-aws.ts';
import { upsertFixture } from '../helpers/stage-messages.ts';

const aws = useLocalAws();
const OLDER = '2026-12-01T10:00:00.000Z';
const NEWER = '2026-12-01T10:00:05.000Z';

const upsert = (email: string, name: string, asOf: string, delivery = `${email}-${name}`) =>
  upsertFixture(delivery, { profile: { email }, attributes: { first_name: name }, as_of: asOf });
const others = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => upsert(`${tag}-${i}@example.com`, `Other ${i}`, OLDER));

/** Two or more deliver instances: one state store, one Klaviyo, one clock (ms). */
function instances(dynamodb: Pick<DynamoDBClient, 'send'> = aws().dynamodb) {
  const klaviyo = fakeAsyncKlaviyo();
  const clock = { at: 1_800_000_000_000 };
  const stateVersions = createDynamoStateVersions(dynamodb, aws().tableName, 120 * 86_400);
  async function run(
    messages: DeliverMessage[],
    more: { receiveCount?: number; sleep?: (ms: number) => Promise<void> } = {},
  ) {
    const counts: Record<string, number> = {};
    const outcomes = await deliverBatch(recordsOf(messages, more.receiveCount), {
      klaviyo: klaviyo.klaviyo,
      settings: klaviyoSettingsSchema().parse({ api_key: { env: 'K' } }),
      counters: { count: (name, value = 1) => void (counts[name] = (counts[name] ?? 0) + value) },
      log: createLogger('deliver'),
      deadline: clock.at + 60_000,
      stateVersions,
      now: () => clock.at,
      sleep: more.sleep ?? ((ms) => Promise.resolve(void (clock.at += ms))),
    });
    return { counts, outcomes, first: outcomes.get('m0') };
  }
  return { klaviyo, clock, run };
}

const reasonOf = (outcome: RecordOutcome | undefined) =>
  outcome?.kind === 'retry' ? (outcome.error as RetryableError).reason : outcome?.kind;

function expectWaiting(outcome: RecordOutcome | undefined) {
  expect(reasonOf(outcome)).toBe('state_write_in_flight');
  const error = outcome?.kind === 'retry' ? outcome.error : undefined;
  // A deferral, not a failed attempt: it never brings the message nearer the dead-letter queue.
  expect(error).toBeInstanceOf(DeferredError);
  expect(error).not.toBeInstanceOf(CountedDeferral);
  const delay = (error as DeferredError).retryAfterSeconds ?? 0;
  expect(delay).toBeGreaterThanOrEqual(1);
  expect(delay).toBeLessThanOrEqual(IN_FLIGHT_RECHECK_SECONDS);
}

async function until(condition: () => boolean) {
  for (let i = 0; i < 2_000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 1));
  expect(condition()).toBe(true);
}

describe('state write leases across deliver instances', () => {
  it('holds a newer profile import back while an import job with the older upsert is processing', async () => {
    const { klaviyo, run } = instances();
    const email = 'job-race@example.com';
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    // Instance A: the older upsert in a job; Klaviyo has not processed it while A reads it back.
    const batchA = [upsert(email, 'Old', OLDER), ...others(PROFILE_BULK_THRESHOLD - 1, 'job-race')];
    const a = run(batchA, { sleep: () => gate });
    await until(() => klaviyo.openImportJobs() === 1);

    // Instance B: the newer upsert of the same profile, alone.
    const waiting = await run([upsert(email, 'New', NEWER)]);
    expectWaiting(waiting.first);
    expect(waiting.counts.deferred).toBe(1);
    expect(klaviyo.posted.filter((p) => p.path === '/api/profile-import')).toEqual([]);

    klaviyo.finishImportJobs();
    open();
    const done = await a;
    expect([...done.outcomes.values()].every((o) => o.kind === 'done')).toBe(true);
    expect(klaviyo.names.get(email)).toBe('Old');

    // B's deferred copy comes back: the job was read back complete, so its lease is gone.
    const again = await run([upsert(email, 'New', NEWER)]);
    expect(again.first?.kind).toBe('done');
    expect(klaviyo.names.get(email)).toBe('New');
  });

  it('holds a newer consent job back until the older job has had time to be applied', async () => {
    const { klaviyo, clock, run } = instances();
    const profile = { email: 'consent-race@example.com' };
    const subscribe = consentFixture('c-sub', { profile, consent: 'subscribed', as_of: OLDER });
    const unsubscribe = consentFixture('c-unsub', { profile, consent: 'unsubscribed', as_of: NEWER });

    expect((await run([subscribe])).first?.kind).toBe('done'); // 202: a job Klaviyo has yet to process
    const waiting = await run([unsubscribe]);
    expectWaiting(waiting.first);

    clock.at += CONSENT_JOB_SETTLE_MS / 2;
    expectWaiting((await run([unsubscribe])).first);

    // Klaviyo processes the subscription within the bound; the lease has run out.
    klaviyo.finishConsentJobsNewestFirst();
    clock.at += CONSENT_JOB_SETTLE_MS / 2;
    expect((await run([unsubscribe])).first?.kind).toBe('done');
    klaviyo.finishConsentJobsNewestFirst();
    expect(klaviyo.consent.get(profile.email)).toBe('unsubscribed');
    expect(klaviyo.posted.map((p) => p.path)).toEqual([
      '/api/profile-subscription-bulk-create-jobs',
      '/api/profile-subscription-bulk-delete-jobs',
    ]);
  });

  it('releases the lease once a profile import is answered, so a newer write goes at once', async () => {
    const { klaviyo, run } = instances();
    const email = 'released@example.com';
    expect((await run([upsert(email, 'Old', OLDER)])).first?.kind).toBe('done');
    const newer = await run([upsert(email, 'New', NEWER)]);
    expect(newer.first?.kind).toBe('done');
    expect(newer.counts.deferred).toBeUndefined();
    expect(klaviyo.names.get(email)).toBe('New');
  });

  it('releases the lease of a write Klaviyo refused for good', async () => {
    const { klaviyo, run } = instances();
    const email = 'refused@example.com';
    klaviyo.refuseWith(() => new KlaviyoRejection('invalid', 'klaviyo_rejected', 400, [], undefined));
    expect((await run([upsert(email, 'Old', OLDER)])).first?.kind).toBe('dead-letter');
    klaviyo.refuseWith(undefined);
    expect((await run([upsert(email, 'New', NEWER)])).first?.kind).toBe('done');
  });

  it('keeps the lease through a retry: the same message passes, a newer one waits, an older one is stale', async () => {
    const { klaviyo, run } = instances();
    const email = 'retried@example.com';
    const middle = upsert(email, 'Middle', '2026-12-01T10:00:02.000Z');
    klaviyo.refuseWith(() => new RetryableError('Klaviyo answered 503', 'klaviyo_server_error'));
    expect(reasonOf((await run([middle])).first)).toBe('klaviyo_server_error');
    klaviyo.refuseWith(undefined);

    expectWaiting((await run([upsert(email, 'New', NEWER)])).first);
    const older = await run([upsert(email, 'Old', OLDER)]);
    expect(older.first?.kind).toBe('done');
    expect(older.counts.stale_state_skipped).toBe(1);
    expect(klaviyo.posted).toHaveLength(1); // only the failed attempt

    // The same message again (its retry): it holds the lease, goes, and frees it.
    expect((await run([middle], { receiveCount: 2 })).first?.kind).toBe('done');
    expect((await run([upsert(email, 'New', NEWER)])).first?.kind).toBe('done');
    expect(klaviyo.names.get(email)).toBe('New');
  });

  it('lets a lease run out when its write never comes back', async () => {
    const { klaviyo, clock, run } = instances();
    const email = 'expired@example.com';
    klaviyo.refuseWith(() => new RetryableError('timed out', 'klaviyo_timeout'));
    await run([upsert(email, 'Old', OLDER)]);
    klaviyo.refuseWith(undefined);
    expectWaiting((await run([upsert(email, 'New', NEWER)])).first);
    clock.at += STATE_LEASE_MS - 1;
    expectWaiting((await run([upsert(email, 'New', NEWER)])).first);
    clock.at += 1;
    expect((await run([upsert(email, 'New', NEWER)])).first?.kind).toBe('done');
    expect(klaviyo.names.get(email)).toBe('New');
  });

  it('frees the keys a waiting write took, so a write of its other identifiers is not held by it', async () => {
    const { klaviyo, run } = instances();
    const email = 'keys@example.com';
    const phone = '+15005550101';
    klaviyo.refuseWith(() => new RetryableError('Klaviyo answered 503', 'klaviyo_server_error'));
    await run([upsert(email, 'Old', OLDER)]); // holds the email's key
    klaviyo.refuseWith(undefined);
    const both = upsertFixture('keys-both', {
      profile: { email, phone_number: phone },
      attributes: { first_name: 'Both' },
      as_of: NEWER,
    });
    expectWaiting((await run([both])).first); // took the phone's key, then met the email's lease
    const phoneOnly = upsertFixture('keys-phone', {
      profile: { phone_number: phone },
      attributes: { first_name: 'Phone' },
      as_of: '2026-12-01T10:00:09.000Z',
    });
    expect((await run([phoneOnly])).first?.kind).toBe('done');
  });

  it('starts no lease end past the deadline: the invocation returns, and the lease runs out instead', async () => {
    const { klaviyo, clock, run } = instances();
    const email = 'late@example.com';
    // Klaviyo answers just as the invocation's time for requests runs out.
    klaviyo.refuseWith(() => void (clock.at += 60_000));
    expect((await run([upsert(email, 'Old', OLDER)])).first?.kind).toBe('done');
    klaviyo.refuseWith(undefined);
    expectWaiting((await run([upsert(email, 'New', NEWER)])).first);
  });

  it('retries, never skips, when the store cannot say why a check was refused', async () => {
    let calls = 0;
    const flaky = {
      send: () =>
        calls++ === 0
          ? Promise.reject(new ConditionalCheckFailedException({ message: 'refused', $metadata: {} }))
          : Promise.reject(new Error('connect ETIMEDOUT')),
    };
    const { klaviyo, run } = instances(flaky);
    const result = await run([upsert('unreachable@example.com', 'New', NEWER)]);
    expect(reasonOf(result.first)).toBe('state_store_unavailable');
    expect(result.counts.stale_state_skipped).toBeUndefined();
    expect(klaviyo.posted).toEqual([]);
  });

  it('keeps a delivered outcome when the lease cannot be released (it runs out by itself)', async () => {
    const real = aws().dynamodb;
    const noRelease = {
      send: (command: Parameters<DynamoDBClient['send']>[0]) => {
        const expression = (command.input as { UpdateExpression?: string }).UpdateExpression ?? '';
        return expression.startsWith('REMOVE')
          ? Promise.reject(new Error('connect ETIMEDOUT'))
          : real.send(command as never);
      },
    };
    const { run } = instances(noRelease);
    const email = 'stuck@example.com';
    expect((await run([upsert(email, 'Old', OLDER)])).first?.kind).toBe('done');
    expectWaiting((await run([upsert(email, 'New', NEWER)])).first);
  });
});
