// The soak benchmark's arithmetic (scripts/bench/soak/figures.ts), on a handful of made-up observations: which webhooks
// count as lost, recorded twice or dead-lettered as planned, and the delivered rate as a share of the budget the
// other integration leaves, in Klaviyo's unscaled time.
import { describe, expect, it } from 'vitest';
import { countedByLimiter, soakFigures, type SoakInput } from '../../scripts/bench/soak/figures.ts';

const planned = [
  { n: 0, source: 'shopify', uniqueId: 'shopify:a', permanent: false },
  { n: 1, source: 'stripe', uniqueId: 'stripe:b', permanent: true },
  { n: 2, source: 'zendesk', uniqueId: 'zendesk:c', permanent: false },
  { n: 3, source: 'woocommerce', uniqueId: 'woocommerce:d', permanent: false },
  { n: 4, source: 'bigcommerce', uniqueId: 'bigcommerce:e', permanent: false },
];

function input(overrides: Partial<SoakInput> = {}): SoakInput {
  return {
    planned,
    accepted: [0, 1, 2, 3, 4],
    events: [
      { webhook: 0, uniqueId: 'shopify:a', at: 1_000 },
      { webhook: 2, uniqueId: 'zendesk:c', at: 20_000 },
      { webhook: 2, uniqueId: 'zendesk:c-again', at: 25_000 },
      { webhook: 4, uniqueId: 'bigcommerce:e', at: 61_000 },
      { webhook: null, uniqueId: 'other-integration:1', at: 2_000 },
    ],
    requests: [
      { at: 1_000, status: 202, client: 'relay', counted: true },
      { at: 5_000, status: 429, client: 'relay', counted: false },
      { at: 2_000, status: 202, client: 'other', counted: true },
      { at: 3_000, status: 503, client: 'other', counted: false },
      { at: 59_000, status: 202, client: 'other', counted: true },
      { at: 90_000, status: 202, client: 'other', counted: true },
    ],
    deadLetters: [{ stage: 'deliver', reason: 'klaviyo_400', uniqueId: 'stripe:b' }],
    timeScale: 2,
    limitPerMinute: 100,
    sendStartedAt: 0,
    drainedAt: 70_000,
    backlogEndedAt: 31_000,
    ...overrides,
  };
}

describe('soak figures', () => {
  it('finds the lost, the recorded twice and the dead letters that were not planned', () => {
    const figures = soakFigures(input());
    expect(figures).toMatchObject({
      accepted: 5,
      recorded: 3,
      lost: [3],
      recordedTwice: [2],
      deadLettered: { 'deliver klaviyo_400': 1 },
      deadLetteredUnexpected: 0,
      permanentNotDeadLettered: 0,
      throttled: { relay: 1, other: 0 },
      drainSeconds: 70,
    });
    const unplanned = soakFigures(
      input({
        deadLetters: [
          {
            stage: 'deliver',
            reason: 'retries_exhausted',
            lastErrorReason: 'klaviyo_503',
            uniqueId: 'woocommerce:d',
          },
        ],
      }),
    );
    // The planned failure was neither recorded nor dead-lettered: lost too.
    expect(unplanned).toMatchObject({
      lost: [1],
      deadLettered: { 'deliver retries_exhausted klaviyo_503': 1 },
      deadLetteredUnexpected: 1,
      permanentNotDeadLettered: 1,
    });
  });

  it('gives the delivered rate in Klaviyo minutes against the budget the other integration leaves', () => {
    const { backlogged, whole } = soakFigures(input());
    // 1 s to 31 s of wall time at time scale 2: one Klaviyo minute. Three relay events (webhook 2 twice), and one
    // request of the other integration's counted: 99 a minute left.
    expect(backlogged).toMatchObject({ seconds: 30, events: 3, relayPerMinute: 3, otherPerMinute: 1 });
    expect(backlogged.budgetLeftPerMinute).toBe(99);
    expect(backlogged.share).toBeCloseTo(3 / 99);
    // To the last event (61 s): two Klaviyo minutes, four events, two of the other's requests.
    expect(whole).toMatchObject({ seconds: 60, events: 4, relayPerMinute: 2, otherPerMinute: 1 });
  });

  it('counts against the budget what passed the mock’s rate limiter', () => {
    expect(countedByLimiter(202, undefined)).toBe(true);
    expect(countedByLimiter(503, 'status 503 after processing')).toBe(true);
    expect(countedByLimiter(400, undefined)).toBe(true);
    expect(countedByLimiter(503, 'status 503')).toBe(false);
    expect(countedByLimiter(503, 'latency 20ms, status 503')).toBe(false);
    expect(countedByLimiter(429, undefined)).toBe(false);
    expect(countedByLimiter(401, undefined)).toBe(false);
  });
});
