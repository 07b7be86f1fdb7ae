// The bodies the Klaviyo mock refuses for Bulk Subscribe and Bulk Unsubscribe Profiles: one per documented limit
// and rule (400 `invalid` pointing at the field), with nothing recorded. The clock is injected.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startKlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import type { KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import {
  callMock as call,
  onlyError,
  subscribeBody,
  unsubscribeBody,
} from '../helpers/klaviyo-mock-calls.ts';

const SUBSCRIBE = '/api/profile-subscription-bulk-create-jobs';
const UNSUBSCRIBE = '/api/profile-subscription-bulk-delete-jobs';
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

describe('Klaviyo mock: consent bodies refused', () => {
  let mock: KlaviyoMock;
  beforeAll(async () => {
    mock = await startKlaviyoMock({ now: () => NOW });
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(() => mock.reset());

  const ada = { email: 'ada@example.com', email_marketing: true as const };
  const refusals: [string, string, unknown, string][] = [
    [
      'the wrong job type',
      SUBSCRIBE,
      { data: { ...subscribeBody([ada]).data, type: 'profile-subscription-bulk-delete-job' } },
      '/data/type',
    ],
    [
      '1,001 profiles (at most 1,000)',
      SUBSCRIBE,
      subscribeBody(Array.from({ length: 1001 }, () => ada)),
      '/data/attributes/profiles/data',
    ],
    [
      '101 profiles (at most 100)',
      UNSUBSCRIBE,
      unsubscribeBody(Array.from({ length: 101 }, () => ada)),
      '/data/attributes/profiles/data',
    ],
    [
      'no subscriptions',
      SUBSCRIBE,
      {
        data: {
          type: 'profile-subscription-bulk-create-job',
          attributes: { profiles: { data: [{ type: 'profile', attributes: { email: 'a@example.com' } }] } },
        },
      },
      '/data/attributes/profiles/data/0/attributes/subscriptions',
    ],
    [
      'no channel named',
      SUBSCRIBE,
      subscribeBody([{ email: 'a@example.com' }]),
      '/data/attributes/profiles/data/0/attributes/subscriptions',
    ],
    [
      'UNSUBSCRIBED in a subscribe',
      SUBSCRIBE,
      {
        data: {
          type: 'profile-subscription-bulk-create-job',
          attributes: unsubscribeBody([ada]).data.attributes,
        },
      },
      '/data/attributes/profiles/data/0/attributes/subscriptions/email/marketing/consent',
    ],
    [
      'consented_at without historical_import',
      SUBSCRIBE,
      subscribeBody([{ email: 'a@example.com', email_marketing: { consented_at: '2025-01-01T00:00:00Z' } }]),
      '/data/attributes/profiles/data/0/attributes/subscriptions/email/marketing/consented_at',
    ],
    [
      'historical_import without consented_at',
      SUBSCRIBE,
      subscribeBody([ada], { historicalImport: true }),
      '/data/attributes/profiles/data/0/attributes/subscriptions/email/marketing/consented_at',
    ],
    [
      'consented_at in the future',
      SUBSCRIBE,
      subscribeBody([{ email: 'a@example.com', email_marketing: { consented_at: '2026-11-23T12:00:01Z' } }], {
        historicalImport: true,
      }),
      '/data/attributes/profiles/data/0/attributes/subscriptions/email/marketing/consented_at',
    ],
    [
      'consented_at not a date-time',
      SUBSCRIBE,
      subscribeBody([{ email: 'a@example.com', email_marketing: { consented_at: 'last week' } }], {
        historicalImport: true,
      }),
      '/data/attributes/profiles/data/0/attributes/subscriptions/email/marketing/consented_at',
    ],
    [
      'the email channel without an email',
      SUBSCRIBE,
      subscribeBody([{ phone_number: '+15005550006', email_marketing: true }]),
      '/data/attributes/profiles/data/0/attributes/email',
    ],
    [
      'an invalid email',
      SUBSCRIBE,
      subscribeBody([{ email: 'not-an-email', email_marketing: true }]),
      '/data/attributes/profiles/data/0/attributes/email',
    ],
    [
      'SMS without a phone number',
      UNSUBSCRIBE,
      unsubscribeBody([{ email: 'a@example.com', sms_marketing: true }]),
      '/data/attributes/profiles/data/0/attributes/phone_number',
    ],
    [
      'a phone number not in E.164',
      SUBSCRIBE,
      subscribeBody([{ phone_number: '030 123456', sms_marketing: true }]),
      '/data/attributes/profiles/data/0/attributes/phone_number',
    ],
    [
      'an unknown profile id',
      SUBSCRIBE,
      subscribeBody([
        ada,
        { id: '01HFAD5MDRT48NN8VN7H1NB0BH', email: 'b@example.com', email_marketing: true },
      ]),
      '/data/attributes/profiles/data/1/id',
    ],
  ];
  it.each(refusals)('refuses %s: 400 at the field, nothing recorded', async (_what, path, body, pointer) => {
    const reply = await call(mock, 'POST', path, body);
    expect(reply.status).toBe(400);
    expect(onlyError(reply)).toMatchObject({ code: 'invalid', source: { pointer } });
    expect(mock.consentChanges()).toEqual([]);
    expect(mock.profiles()).toEqual([]);
  });
});
