// One deliver instance keeps at most max_in_flight Klaviyo requests in flight: profile upserts (deliver-profiles.ts)
// and the other one-by-one calls (events below bulk_threshold) run at once, so they share it.
import { describe, expect, it } from 'vitest';
import { deliverBatch, splitInFlight } from '../../functions/deliver/deliver-batch.ts';
import type { KlaviyoClient, KlaviyoReader } from '../../functions/deliver/klaviyo-client.ts';
import { klaviyoSettingsSchema } from '../../functions/shared/config/relay-config.ts';
import { createLogger } from '../../functions/shared/logger.ts';
import { recordsOf } from '../helpers/fake-profile-jobs.ts';
import { eventFixture, upsertFixture } from '../helpers/stage-messages.ts';

/** Answers each request after the others started so far have had a turn, counting how many overlap. */
function overlapCounting() {
  let inFlight = 0;
  let most = 0;
  const answer = async () => {
    inFlight++;
    most = Math.max(most, inFlight);
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    inFlight--;
    return new Response(null, { status: 202 });
  };
  const klaviyo: KlaviyoClient & KlaviyoReader = { post: answer, get: answer };
  return { klaviyo, most: () => most };
}

async function run(maxInFlight: number) {
  const { klaviyo, most } = overlapCounting();
  const messages = [
    ...Array.from({ length: 6 }, (_, i) =>
      upsertFixture(`p-${i}`, { profile: { email: `u${i}@example.com` } }),
    ),
    ...Array.from({ length: 6 }, (_, i) => eventFixture(i)),
  ];
  const outcomes = await deliverBatch(recordsOf(messages), {
    klaviyo,
    settings: klaviyoSettingsSchema().parse({ api_key: { env: 'K' }, max_in_flight: maxInFlight }),
    counters: { count: () => undefined },
    log: createLogger('deliver'),
    deadline: Number.POSITIVE_INFINITY,
  });
  expect([...outcomes.values()].filter((o) => o.kind === 'done')).toHaveLength(12);
  return most();
}

describe('max_in_flight', () => {
  it('holds for profile upserts and events sent one by one together', async () => {
    expect(await run(4)).toBe(4);
    expect(await run(1)).toBe(1);
  });

  it('is shared by the sizes of the two groups, each at least one', () => {
    expect(splitInFlight(8, 6, 2)).toEqual([6, 2]);
    expect(splitInFlight(8, 1, 100)).toEqual([1, 7]);
    expect(splitInFlight(8, 0, 5)).toEqual([8, 8]);
    expect(splitInFlight(1, 3, 3)).toBeUndefined();
  });
});
