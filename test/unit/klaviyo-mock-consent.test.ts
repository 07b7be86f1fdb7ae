// The Klaviyo mock's Bulk Subscribe and Bulk Unsubscribe Profiles: the bodies it accepts, what it records per
// profile and channel, Klaviyo's global unsubscribe of a profile not in the named list, each endpoint's own
// rate-limit bucket, revision checks and faults (the bodies it refuses: klaviyo-mock-consent-refusals.test.ts).
// The clock is injected.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadKlaviyoContract, startKlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import type { KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import {
  acceptedConsentBodies,
  callMock as call,
  onlyError,
  subscribeBody,
  unsubscribeBody,
} from '../helpers/klaviyo-mock-calls.ts';

const SUBSCRIBE = '/api/profile-subscription-bulk-create-jobs';
const UNSUBSCRIBE = '/api/profile-subscription-bulk-delete-jobs';
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const contract = loadKlaviyoContract();

describe('Klaviyo mock: consent', () => {
  let mock: KlaviyoMock;
  let clock = NOW;
  beforeAll(async () => {
    mock = await startKlaviyoMock({ now: () => clock });
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(() => {
    clock = NOW;
    mock.reset();
  });

  it.each(acceptedConsentBodies().map((b) => [b.operationId, b.label, b.body] as const))(
    '%s accepts %s: 202 with no body',
    async (operationId, _label, body) => {
      expect(contract.operations[operationId].validateBody(body)).toBeNull();
      const reply = await call(
        mock,
        'POST',
        operationId === 'bulk_subscribe_profiles' ? SUBSCRIBE : UNSUBSCRIBE,
        body,
      );
      expect(reply.status).toBe(202);
      expect(reply.json).toBeUndefined();
    },
  );

  it('records consent per profile and channel, with the list, consented_at and historical import', async () => {
    const [first] = acceptedConsentBodies();
    expect((await call(mock, 'POST', SUBSCRIBE, first?.body)).status).toBe(202);
    const [profile] = mock.profiles();
    expect(mock.profiles()).toHaveLength(1);
    expect(mock.consent()).toEqual([
      {
        profileId: profile?.id,
        email: 'ada@example.com',
        phone_number: '+15005550006',
        channel: 'email',
        state: 'subscribed',
        listIds: ['Y6nRLr'],
        consentedAt: '2025-03-01T10:00:00Z',
        historicalImport: true,
        scope: null,
        updated: new Date(NOW).toISOString(),
      },
      expect.objectContaining({ channel: 'sms', state: 'subscribed', consentedAt: '2025-03-02T10:00:00Z' }),
    ]);
    expect(mock.consentChanges().map((c) => [c.via, c.channel, c.listId, c.customSource])).toEqual([
      ['bulk_subscribe_profiles', 'email', 'Y6nRLr', 'klaviyo-webhook-relay'],
      ['bulk_subscribe_profiles', 'sms', 'Y6nRLr', 'klaviyo-webhook-relay'],
    ]);
    expect(mock.lists()).toEqual([{ listId: 'Y6nRLr', profileIds: [profile?.id] }]);
  });

  it('keeps the newest write per channel and every write in the order applied', async () => {
    const ada = { email: 'ada@example.com', email_marketing: true as const };
    await call(mock, 'POST', SUBSCRIBE, subscribeBody([ada], { listId: 'L1' }));
    clock += 1000;
    await call(mock, 'POST', UNSUBSCRIBE, unsubscribeBody([ada], { listId: 'L1' }));
    clock += 1000;
    await call(mock, 'POST', SUBSCRIBE, subscribeBody([ada]));
    expect(mock.consentChanges().map((c) => c.state)).toEqual(['subscribed', 'unsubscribed', 'subscribed']);
    expect(mock.consent()).toEqual([
      expect.objectContaining({
        channel: 'email',
        state: 'subscribed',
        listIds: [],
        historicalImport: false,
      }),
    ]);
  });

  it("unsubscribes from the list a profile in it, and globally one that is not (Klaviyo's rule)", async () => {
    await call(
      mock,
      'POST',
      SUBSCRIBE,
      subscribeBody([{ email: 'in@example.com', email_marketing: true }], { listId: 'L1' }),
    );
    const reply = await call(
      mock,
      'POST',
      UNSUBSCRIBE,
      unsubscribeBody(
        [
          { email: 'in@example.com', email_marketing: true },
          { email: 'out@example.com', email_marketing: true },
        ],
        { listId: 'L1' },
      ),
    );
    expect(reply.status).toBe(202);
    expect(mock.consent().map((c) => [c.email, c.state, c.scope, c.listIds])).toEqual([
      ['in@example.com', 'unsubscribed', 'list', []],
      ['out@example.com', 'unsubscribed', 'global', []],
    ]);
    await call(
      mock,
      'POST',
      UNSUBSCRIBE,
      unsubscribeBody([{ phone_number: '+15005550006', sms_marketing: true }]),
    );
    expect(mock.consentChanges().at(-1)).toMatchObject({ channel: 'sms', listId: null, scope: 'global' });
  });

  const ada = { email: 'ada@example.com', email_marketing: true as const };

  it('checks the revision header and the Content-Type as for the other operations', async () => {
    const body = subscribeBody([ada]);
    const noRevision = await call(mock, 'POST', SUBSCRIBE, body, { revision: null });
    expect(onlyError(noRevision)).toMatchObject({ code: 'invalid', source: { parameter: 'revision' } });
    expect(
      (await call(mock, 'POST', UNSUBSCRIBE, unsubscribeBody([ada]), { revision: '2026-13-40' })).status,
    ).toBe(400);
    expect((await call(mock, 'POST', SUBSCRIBE, body, { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect(mock.consentChanges()).toEqual([]);
  });

  it('takes injected faults on its path, before or after recording', async () => {
    mock.inject({ status: 503, path: SUBSCRIBE });
    mock.inject({ status: 500, path: UNSUBSCRIBE, phase: 'after' });
    expect((await call(mock, 'POST', SUBSCRIBE, subscribeBody([ada]))).status).toBe(503);
    expect(mock.consentChanges()).toEqual([]);
    expect((await call(mock, 'POST', UNSUBSCRIBE, unsubscribeBody([ada]))).status).toBe(500);
    expect(mock.consentChanges().map((c) => c.state)).toEqual(['unsubscribed']);
    expect((await call(mock, 'POST', SUBSCRIBE, subscribeBody([ada]))).status).toBe(202);
  });

  it('lists consent, changes and lists on /_mock, and forgets them on reset', async () => {
    await call(mock, 'POST', SUBSCRIBE, subscribeBody([ada], { listId: 'L1' }));
    const get = async (what: string) =>
      (await fetch(`${mock.url}/_mock/${what}`)).json() as Promise<Record<string, unknown>>;
    expect(await get('consent')).toMatchObject({
      count: 1,
      consent: [{ email: 'ada@example.com', state: 'subscribed' }],
    });
    expect(await get('consent-changes')).toMatchObject({ count: 1 });
    expect(await get('lists')).toMatchObject({ count: 1, lists: [{ listId: 'L1' }] });
    expect((await fetch(`${mock.url}/_mock/reset`, { method: 'POST' })).status).toBe(204);
    expect([mock.consent(), mock.consentChanges(), mock.lists()]).toEqual([[], [], []]);
  });
});

describe('Klaviyo mock: consent rate limits', () => {
  let mock: KlaviyoMock;
  const clock = NOW;
  beforeAll(async () => {
    mock = await startKlaviyoMock({
      now: () => clock,
      limits: { bulk_subscribe_profiles: { burst: 2, steady: 3 } },
    });
  });
  afterAll(async () => {
    await mock.close();
  });

  it('gives each consent endpoint its own bucket, apart from the others', async () => {
    const body = subscribeBody([{ email: 'a@example.com', email_marketing: true }]);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(mock, 'POST', SUBSCRIBE, body)).status);
    expect(statuses).toEqual([202, 202, 429]);
    // Unsubscribe keeps its published budget (750 a minute), untouched by the subscribe backlog.
    const other = await call(
      mock,
      'POST',
      UNSUBSCRIBE,
      unsubscribeBody([{ email: 'a@example.com', email_marketing: true }]),
    );
    expect(other.status).toBe(202);
    expect(other.headers.get('RateLimit-Limit')).toBe('750');
    expect(other.headers.get('RateLimit-Remaining')).toBe('749');
  });
});
