// A replay without `--with-profiles` leaves out every state write of the replayed webhook: profile upserts and,
// since issue 20, consent; events go on (docs/adr/0030-consent-as-state.md).
import { describe, expect, it } from 'vitest';
import { isStateWrite } from '../../functions/hydrate/replay-state.ts';
import { consentFixture } from '../helpers/consent-messages.ts';
import { eventFixture, upsertFixture } from '../helpers/stage-messages.ts';

describe('state writes a replay leaves out unless asked', () => {
  it('are profile upserts and consent, not events', () => {
    expect(isStateWrite(consentFixture('c'))).toBe(true);
    expect(isStateWrite(consentFixture('u', { consent: 'unsubscribed' }))).toBe(true);
    expect(isStateWrite(upsertFixture('p'))).toBe(true);
    expect(isStateWrite(eventFixture(1))).toBe(false);
  });
});
