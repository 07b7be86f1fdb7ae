// Deliver messages for the deliver tests, built through the real contract.
import { klaviyoEventV1Schema, type KlaviyoEventV1 } from '../../functions/shared/stage/contracts.ts';

/** Event number `n`; seven profiles take turns, so a batch has several events per profile. */
export function eventFixture(n: number, overrides: Partial<KlaviyoEventV1> = {}): KlaviyoEventV1 {
  return klaviyoEventV1Schema().parse({
    type: 'klaviyo.event',
    version: 1,
    correlation_id: `demo:d-${n}`,
    source: 'demo',
    delivery_id: `d-${n}`,
    metric: 'Placed Order',
    profile: { email: `user${n % 7}@example.com`, external_id: `cus_${n % 7}` },
    properties: { order_id: String(n), products_sku: ['A', 'B'], products_count: 2, gift: false },
    time: '2026-11-23T10:00:00.000Z',
    value: 31.49,
    unique_id: `demo:d-${n}`,
    ...overrides,
  });
}
