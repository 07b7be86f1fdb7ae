// The bigcommerce preset's marketing consent: a new customer (store/customer/created, the customer fetched from
// /v3/customers) who accepts product review and abandoned cart emails is subscribed to email marketing, as a
// historical import at the account's creation; one who does not is not written.
import { describe, expect, it } from 'vitest';
import { expectedConsent, mapPresetCase, type PresetCase } from '../helpers/preset-cases.ts';

const created: PresetCase = {
  topic: 'store/customer/created',
  fixture: 'store-customer-created',
  headers: [],
  responses: 'store-customer-created',
};

describe('bigcommerce preset: marketing consent', () => {
  it('a new customer who accepts the emails → an email subscription at date_created', async () => {
    const result = await mapPresetCase('bigcommerce', created);
    expect(result.failure).toBeUndefined();
    expect(result.consent).toEqual(await expectedConsent('bigcommerce', created, result.consent));
    expect(result.consent).toMatchObject([
      {
        channel: 'email',
        consent: 'subscribed',
        profile: { email: 'ada.byron@example.com' },
        consented_at: '2026-11-19T13:46:40.000Z',
        as_of: '2026-11-20T15:14:56.000Z',
      },
    ]);
    // The profile, then the subscription as the job deliver sends it.
    expect(result.requests.map((r) => r.path)).toEqual([
      '/api/profile-import',
      '/api/profile-subscription-bulk-create-jobs',
    ]);
  });

  it('one who does not accept them is not written', async () => {
    const result = await mapPresetCase('bigcommerce', {
      ...created,
      responses: 'store-customer-created-no-consent',
    });
    expect(result.consent).toEqual([]);
    expect(result.skipped).toEqual([]);
  });
});
