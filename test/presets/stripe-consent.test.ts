// The stripe preset's marketing consent: a Checkout Session that collected promotional consent
// (`consent_collection.promotions: auto`) and says `consent.promotions: opt_in` subscribes the customer's email as
// a historical import at the event's time; a session without it (or with opt_out) writes none.
import { describe, expect, it } from 'vitest';
import { expectedConsent, mapPresetCase, type PresetCase } from '../helpers/preset-cases.ts';

const optIn: PresetCase = {
  topic: 'checkout.session.completed',
  fixture: 'checkout-session-completed-opt-in',
  headers: [],
  responses: 'checkout-session-completed',
};

describe('stripe preset: marketing consent', () => {
  it('checkout.session.completed with promotions opt_in → an email subscription at the event time', async () => {
    const result = await mapPresetCase('stripe', optIn);
    expect(result.failure).toBeUndefined();
    expect(result.consent).toEqual(await expectedConsent('stripe', optIn, result.consent));
    expect(result.consent).toMatchObject([
      {
        channel: 'email',
        consent: 'subscribed',
        consented_at: '2026-11-20T15:14:56.000Z',
        as_of: '2026-11-20T15:14:56.000Z',
      },
    ]);
    // The events are those of any completed checkout.
    expect(result.requests.length).toBeGreaterThan(0);
  });

  it('a session without promotional consent writes none', async () => {
    const result = await mapPresetCase('stripe', { ...optIn, fixture: 'checkout-session-completed' });
    expect(result.consent).toEqual([]);
    expect(result.skipped).toEqual([]);
  });
});
