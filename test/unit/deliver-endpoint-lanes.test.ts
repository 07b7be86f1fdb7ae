// One budget per Klaviyo endpoint: a batch holding events, profile upserts and consent sends each kind as soon as
// its own endpoint allows. Here profile import is backlogged (its calls do not return until released, as when its
// pacer holds them); Create Event and the consent job still go at once.
import { describe, expect, it } from 'vitest';
import { klaviyoSettingsSchema } from '../../functions/shared/config/relay-config.ts';
import { createLogger } from '../../functions/shared/logger.ts';
import type { DeliverMessage } from '../../functions/shared/stage/contracts.ts';
import type { ParsedRecord } from '../../functions/shared/stage/stage-options.ts';
import { deliverBatch } from '../../functions/deliver/deliver-batch.ts';
import { createPacers, PUBLISHED_LIMITS } from '../../functions/deliver/endpoint-pacers.ts';
import type { KlaviyoClient, KlaviyoReader } from '../../functions/deliver/klaviyo-client.ts';
import { consentFixture } from '../helpers/consent-messages.ts';
import { eventFixture, upsertFixture } from '../helpers/stage-messages.ts';

const log = createLogger('deliver');
const record = (id: string, message: DeliverMessage) =>
  ({ id, message, log, record: {} }) as unknown as ParsedRecord<DeliverMessage>;

describe('deliver: one lane per endpoint', () => {
  it('a backlog on profile import does not delay the event or the consent job', async () => {
    const sent: string[] = [];
    const release: (() => void)[] = [];
    const klaviyo: KlaviyoClient & KlaviyoReader = {
      get: () => Promise.reject(new Error('no job is read back here')),
      post(path) {
        sent.push(path);
        if (path !== '/api/profile-import') return Promise.resolve(new Response(null, { status: 202 }));
        return new Promise((resolve) => release.push(() => resolve(new Response(null, { status: 202 }))));
      },
    };
    const settings = klaviyoSettingsSchema().parse({
      api_key: { env: 'K' },
      max_in_flight: 1,
      bulk_threshold: 50,
    });
    const counters = { count: () => undefined };
    const batch = deliverBatch(
      [
        record('p1', upsertFixture('p1')),
        record('p2', upsertFixture('p2')),
        record('e1', eventFixture(1)),
        record('c1', consentFixture('c1')),
      ],
      { klaviyo, settings, counters, log, deadline: Number.POSITIVE_INFINITY },
    );
    await new Promise((resolve) => setImmediate(resolve));
    // The first upsert holds profile import's only slot; the others did not wait for it.
    expect(sent.sort()).toEqual([
      '/api/events',
      '/api/profile-import',
      '/api/profile-subscription-bulk-create-jobs',
    ]);
    while (release.length > 0) {
      release.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const outcomes = await batch;
    expect([...outcomes.keys()].sort()).toEqual(['c1', 'e1', 'p1', 'p2']);
    expect([...outcomes.values()].every((o) => o.kind === 'done')).toBe(true);
  });

  it('the consent operations have their own pacers, at their published limits', () => {
    for (const path of [
      '/api/profile-subscription-bulk-create-jobs',
      '/api/profile-subscription-bulk-delete-jobs',
    ])
      expect(PUBLISHED_LIMITS[path]).toEqual({ burst: 75, steady: 750 });
    const pacers = createPacers({ rate_budget_share: 1, max_concurrency: 1, max_pacing_wait_ms: 1_000 });
    const subscribe = pacers('/api/profile-subscription-bulk-create-jobs');
    expect(subscribe).toBe(pacers('/api/profile-subscription-bulk-create-jobs'));
    expect(subscribe).not.toBe(pacers('/api/profile-subscription-bulk-delete-jobs'));
    expect(subscribe).not.toBe(pacers('/api/profile-import'));
  });
});
