// `relay map` prints the requests a webhook's consent writes become: the consent jobs deliver would send, grouped
// as deliver groups them (consent-jobs.ts), beside one request per event and profile upsert.
import { describe, expect, it } from 'vitest';
import { requestsFor } from '../../cli/commands/map.ts';
import { consentFixture } from '../helpers/consent-messages.ts';
import { eventFixture } from '../helpers/stage-messages.ts';

describe('relay map: consent writes', () => {
  it('become Bulk Subscribe and Bulk Unsubscribe jobs', () => {
    const requests = requestsFor([
      eventFixture(1),
      consentFixture('s', { consented_at: '2026-11-30T09:00:00Z', list_id: 'L1' }),
      consentFixture('u', {
        channel: 'sms',
        consent: 'unsubscribed',
        profile: { phone_number: '+15005550006' },
      }),
    ]);
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/events',
      'POST /api/profile-subscription-bulk-create-jobs',
      'POST /api/profile-subscription-bulk-delete-jobs',
    ]);
    expect(requests[1]?.body).toMatchObject({
      data: {
        attributes: {
          historical_import: true,
          profiles: {
            data: [
              {
                attributes: {
                  email: 'ada@example.com',
                  subscriptions: {
                    email: { marketing: { consent: 'SUBSCRIBED', consented_at: '2026-11-30T09:00:00Z' } },
                  },
                },
              },
            ],
          },
        },
        relationships: { list: { data: { type: 'list', id: 'L1' } } },
      },
    });
  });
});
