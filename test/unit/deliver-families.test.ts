// The deliver queue per family (docs/adr/0036-a-deliver-queue-per-family.md): one table names each family's queue,
// and every deliver message type belongs to exactly one family.
import { describe, expect, it } from 'vitest';
import { deliverMessageSchema } from '../../functions/shared/stage/contracts.ts';
import {
  DELIVER_FAMILIES,
  DELIVER_QUEUE_KEYS,
  deliverFamilyOf,
  deliverQueueKeyOf,
  isDeliverFamily,
} from '../../functions/shared/stage/deliver-families.ts';

/** The `type` values the deliver message union accepts, read from the schema itself. */
function deliverMessageTypes(): string[] {
  const schema = deliverMessageSchema() as unknown as { _zod: { propValues: { type: Set<string> } } };
  return [...schema._zod.propValues.type];
}

describe('deliver families', () => {
  it('gives every deliver message type exactly one family', () => {
    const types = deliverMessageTypes();
    expect(types.length).toBeGreaterThanOrEqual(6);
    const carried = DELIVER_FAMILIES.flatMap((f) => [...f.messageTypes]);
    expect([...carried].sort()).toStrictEqual([...types].sort());
  });

  it('keeps the events queue key `deliver`, so an upgrade does not replace the existing queue', () => {
    expect(deliverFamilyOf('klaviyo.event')).toBe('events');
    expect(deliverQueueKeyOf('events')).toBe('deliver');
  });

  it('maps each family to the queue key of the shared design', () => {
    expect(
      Object.fromEntries(DELIVER_FAMILIES.map((f) => [f.family, deliverQueueKeyOf(f.family)])),
    ).toStrictEqual({
      events: 'deliver',
      profiles: 'deliver-profiles',
      consent: 'deliver-consent',
      catalog: 'deliver-catalog',
      records: 'deliver-records',
      'back-in-stock': 'deliver-back-in-stock',
    });
    expect(deliverFamilyOf('klaviyo.profile-upsert')).toBe('profiles');
    expect(deliverFamilyOf('klaviyo.consent')).toBe('consent');
    expect(deliverFamilyOf('klaviyo.catalog')).toBe('catalog');
    expect(deliverFamilyOf('klaviyo.record')).toBe('records');
    expect(deliverFamilyOf('klaviyo.back-in-stock')).toBe('back-in-stock');
    expect(new Set(DELIVER_QUEUE_KEYS).size).toBe(DELIVER_FAMILIES.length);
  });

  it('refuses what is not a family', () => {
    expect(isDeliverFamily('consent')).toBe(true);
    expect(isDeliverFamily('deliver-consent')).toBe(false);
    expect(() => deliverFamilyOf('klaviyo.nope' as never)).toThrow(/klaviyo\.nope/);
  });
});
