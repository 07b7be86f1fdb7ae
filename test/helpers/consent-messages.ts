// Consent writes (hydrate → deliver `klaviyo.consent`) for tests, built through the real contract, and an
// in-memory state store that keeps the rule of state-versions.ts (a version is recorded unless a key holds a newer one).
import { klaviyoConsentV1Schema, type KlaviyoConsentV1 } from '../../functions/shared/stage/contracts.ts';
import type { StateVersions } from '../../functions/deliver/state-versions.ts';

/** A consent write of `email` (default ada@example.com) on the email channel, as of `as_of`. */
export function consentFixture(id: string, fields: Partial<KlaviyoConsentV1> = {}): KlaviyoConsentV1 {
  return klaviyoConsentV1Schema().parse({
    type: 'klaviyo.consent',
    version: 1,
    correlation_id: `demo:${id}`,
    source: 'demo',
    delivery_id: id,
    channel: 'email',
    consent: 'subscribed',
    profile: { email: 'ada@example.com' },
    as_of: '2026-12-01T10:00:00.000Z',
    ...fields,
  });
}

export function memoryStateVersions(): StateVersions & {
  times: Map<string, number>;
  sequences: Map<string, bigint>;
} {
  const times = new Map<string, number>();
  const sequences = new Map<string, bigint>();
  return {
    times,
    sequences,
    advance(keys, version) {
      // Times with times, sequences with sequences (a sequence's keys are already its source's: stateItemKeys).
      const stale =
        version instanceof Date
          ? keys.some((key) => (times.get(key) ?? -Infinity) > version.getTime())
          : keys.some((key) => (sequences.get(key) ?? -1n) > BigInt(version.sequence));
      if (stale) return Promise.resolve('stale');
      for (const key of keys)
        if (version instanceof Date) times.set(key, version.getTime());
        else sequences.set(key, BigInt(version.sequence));
      return Promise.resolve('newest');
    },
  };
}
