// Consent writes in deliver: one Klaviyo answer per job decides its writes' outcomes (202 delivered; 429/5xx
// retried; a 400 naming a row dead-letters that write alone and resends the rest), and consent is state: of two
// writes for one profile and channel the newer wins, whatever order they come in (ADR 0030).
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../functions/shared/logger.ts';
import { RetryableError } from '../../functions/shared/stage/errors.ts';
import type { ConsentItem } from '../../functions/deliver/consent-jobs.ts';
import { consentStateKey } from '../../functions/deliver/consent-state.ts';
import { deliverConsent } from '../../functions/deliver/deliver-consent.ts';
import { KlaviyoRejection, type KlaviyoClient } from '../../functions/deliver/klaviyo-client.ts';
import type { StateVersions } from '../../functions/deliver/state-versions.ts';
import { consentFixture, memoryStateVersions } from '../helpers/consent-messages.ts';

const item = (id: string, fields: Parameters<typeof consentFixture>[1] = {}): ConsentItem => ({
  id,
  message: consentFixture(id, fields),
});
const people = (n: number) =>
  Array.from({ length: n }, (_, i) => item(`m${i}`, { profile: { email: `u${i}@example.com` } }));

/** A Klaviyo stand-in: answers each call with the next scripted outcome (202 when the script runs out). */
function scriptedKlaviyo(script: (Error | undefined)[] = []) {
  const calls: { path: string; body: unknown }[] = [];
  const klaviyo: KlaviyoClient = {
    post(path, body) {
      calls.push({ path, body });
      const error = script.shift();
      return error ? Promise.reject(error) : Promise.resolve(new Response(null, { status: 202 }));
    },
  };
  return { klaviyo, calls };
}

const emailsOf = (body: unknown) =>
  (
    body as { data: { attributes: { profiles: { data: { attributes: { email?: string } }[] } } } }
  ).data.attributes.profiles.data.map((p) => p.attributes.email);

const rejection = (pointer: string | undefined) =>
  new KlaviyoRejection(
    'POST answered 400',
    'klaviyo_400',
    400,
    [{ code: 'invalid', detail: 'Invalid email address', ...(pointer ? { source: { pointer } } : {}) }],
    [{ code: 'invalid', detail: 'Invalid email address', ...(pointer ? { source: { pointer } } : {}) }],
  );

function consentPorts(klaviyo: KlaviyoClient, stateVersions?: StateVersions) {
  const counts: Record<string, number> = {};
  const log = createLogger('deliver');
  return {
    counts,
    ports: {
      klaviyo,
      counters: { count: (name: string, value = 1) => void (counts[name] = (counts[name] ?? 0) + value) },
      deadline: Number.POSITIVE_INFINITY,
      log,
      logOf: () => log,
      maxInFlight: 2,
      stateVersions,
    },
  };
}

describe('deliverConsent: outcomes', () => {
  it('delivers a batch of subscriptions in one job', async () => {
    const { klaviyo, calls } = scriptedKlaviyo();
    const { ports, counts } = consentPorts(klaviyo);
    const outcomes = await deliverConsent(people(30), ports);
    expect(calls.map((c) => c.path)).toEqual(['/api/profile-subscription-bulk-create-jobs']);
    expect(emailsOf(calls[0]?.body)).toHaveLength(30);
    expect([...outcomes.values()].every((o) => o.kind === 'done')).toBe(true);
    expect(counts.delivered).toBe(30);
  });

  it("a 400 naming one row dead-letters that write, with Klaviyo's detail and pointer, and resends the rest", async () => {
    const { klaviyo, calls } = scriptedKlaviyo([
      rejection('/data/attributes/profiles/data/3/attributes/email'),
    ]);
    const { ports } = consentPorts(klaviyo);
    const outcomes = await deliverConsent(people(10), ports);
    expect(outcomes.get('m3')).toMatchObject({
      kind: 'dead-letter',
      error: {
        reason: 'klaviyo_400',
        detail: [
          {
            detail: 'Invalid email address',
            source: { pointer: '/data/attributes/profiles/data/3/attributes/email' },
          },
        ],
      },
    });
    expect([...outcomes].filter(([, o]) => o.kind === 'done')).toHaveLength(9);
    expect(calls).toHaveLength(2);
    expect(emailsOf(calls[1]?.body)).toHaveLength(9);
    expect(emailsOf(calls[1]?.body)).not.toContain('u3@example.com');
  });

  it('a 400 naming no row sends each write in a job of its own, so each gets its own verdict', async () => {
    const { klaviyo, calls } = scriptedKlaviyo([
      rejection(undefined),
      undefined,
      rejection('/data/attributes/profiles/data/0'),
      undefined,
    ]);
    const { ports } = consentPorts(klaviyo);
    ports.maxInFlight = 1;
    const outcomes = await deliverConsent(people(3), ports);
    expect(calls.map((c) => emailsOf(c.body).length)).toEqual([3, 1, 1, 1]);
    expect(outcomes.get('m1')?.kind).toBe('dead-letter');
    expect(outcomes.get('m0')?.kind).toBe('done');
    expect(outcomes.get('m2')?.kind).toBe('done');
  });

  it('429 and 5xx leave every write of the job to retry', async () => {
    for (const error of [
      new RetryableError('429', 'klaviyo_throttled', 7),
      new RetryableError('503', 'klaviyo_503'),
    ]) {
      const { klaviyo } = scriptedKlaviyo([error]);
      const { ports } = consentPorts(klaviyo);
      const outcomes = await deliverConsent(people(5), ports);
      expect([...outcomes.values()].every((o) => o.kind === 'retry' && o.error === error)).toBe(true);
    }
  });
});

describe('deliverConsent: consent is state, the newest wins', () => {
  const subscribe = item('sub', { as_of: '2026-12-01T10:00:00.000Z' });
  const unsubscribe = item('unsub', { consent: 'unsubscribed', as_of: '2026-12-01T11:00:00.000Z' });

  it('in one batch, in either order, only the newer write is sent; the older is skipped, not dead-lettered', async () => {
    for (const batch of [
      [subscribe, unsubscribe],
      [unsubscribe, subscribe],
    ]) {
      const { klaviyo, calls } = scriptedKlaviyo();
      const { ports, counts } = consentPorts(klaviyo, memoryStateVersions());
      const outcomes = await deliverConsent(batch, ports);
      expect(calls.map((c) => c.path)).toEqual(['/api/profile-subscription-bulk-delete-jobs']);
      expect(outcomes.get('sub')).toEqual({ kind: 'done' });
      expect(counts.stale_state_skipped).toBe(1);
    }
  });

  it('a write older than one an earlier batch made is skipped; a redelivery of the newest is sent again', async () => {
    const store = memoryStateVersions();
    const { klaviyo, calls } = scriptedKlaviyo();
    const { ports, counts } = consentPorts(klaviyo, store);
    await deliverConsent([unsubscribe], ports);
    const late = await deliverConsent([subscribe], ports);
    expect(late.get('sub')).toEqual({ kind: 'done' });
    expect(counts.stale_state_skipped).toBe(1);
    await deliverConsent([unsubscribe], ports); // SQS redelivery, redrive or replay of the same write
    expect(calls.map((c) => c.path)).toEqual([
      '/api/profile-subscription-bulk-delete-jobs',
      '/api/profile-subscription-bulk-delete-jobs',
    ]);
    expect(store.times.get(consentStateKey(unsubscribe.message))).toBe(Date.parse(unsubscribe.message.as_of));
  });

  it('keys are per channel and identifier: an SMS write does not make an email write stale', async () => {
    const store = memoryStateVersions();
    const { klaviyo, calls } = scriptedKlaviyo();
    const { ports } = consentPorts(klaviyo, store);
    const sms = item('sms', {
      channel: 'sms',
      profile: { email: 'ada@example.com', phone_number: '+15005550006' },
      as_of: '2026-12-02T00:00:00.000Z',
    });
    const outcomes = await deliverConsent([sms, subscribe], ports);
    expect(calls).toHaveLength(2);
    expect([...outcomes.values()].every((o) => o.kind === 'done')).toBe(true);
    expect(consentStateKey(item('x', { profile: { email: ' ADA@example.com' } }).message)).toBe(
      consentStateKey(subscribe.message),
    );
  });

  it('a state store that cannot be reached makes the write a retry, never a skip', async () => {
    const { klaviyo, calls } = scriptedKlaviyo();
    const { ports } = consentPorts(klaviyo, { advance: () => Promise.reject(new Error('throttled')) });
    const outcomes = await deliverConsent([subscribe], ports);
    expect(outcomes.get('sub')).toMatchObject({
      kind: 'retry',
      error: { reason: 'state_store_unavailable' },
    });
    expect(calls).toHaveLength(0);
  });
});
