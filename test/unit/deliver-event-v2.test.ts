// The event message's version 2 (kept values, $extra, value_currency) beside version 1: deliver reads both —
// v1 messages in flight during a deploy included — and sends each as Klaviyo's contract expects.
import { describe, expect, it } from 'vitest';
import { planBulkRequests } from '../../functions/deliver/bulk-plan.ts';
import { createEventBody } from '../../functions/deliver/klaviyo-requests.ts';
import { deliverMessageSchema, klaviyoEventV2Schema } from '../../functions/shared/stage/contracts.ts';
import { loadKlaviyoContract } from '../../local/klaviyo-mock/index.ts';
import { eventFixture } from '../helpers/stage-messages.ts';

const contract = loadKlaviyoContract();

const v2 = (n: number) =>
  klaviyoEventV2Schema().parse({
    ...eventFixture(n),
    version: 2,
    value_currency: 'EUR',
    properties: {
      OrderId: n,
      Items: [{ SKU: 'TEE', Quantity: 2, Options: { size: 'M' } }],
      $extra: { OrderName: `#${n}` },
      relay_source: 'demo',
    },
  });

describe('klaviyo.event v2', () => {
  it('is read beside v1; v1 keeps refusing what only v2 may carry; other versions are refused', () => {
    const v1 = eventFixture(1);
    expect(deliverMessageSchema().parse(v1)).toEqual(v1);
    expect(deliverMessageSchema().parse(v2(2))).toEqual(v2(2));
    expect(deliverMessageSchema().safeParse({ ...v1, value_currency: 'EUR' }).success).toBe(false);
    expect(deliverMessageSchema().safeParse({ ...v1, properties: { Items: [{ a: 1 }] } }).success).toBe(
      false,
    );
    expect(deliverMessageSchema().safeParse({ ...v2(3), version: 3 }).success).toBe(false);
    expect(deliverMessageSchema().safeParse({ ...v2(4), value_currency: 'euro' }).success).toBe(false);
  });

  it('Create Event: value_currency beside the value, kept values and $extra as they are, valid by the contract', () => {
    const body = createEventBody(v2(5));
    expect(contract.operations.create_event.validateBody(body)).toBeNull();
    expect(body.data.attributes).toMatchObject({ value: 31.49, value_currency: 'EUR' });
    expect(body.data.attributes.properties).toEqual(v2(5).properties);
    // A v1 event has no currency to send.
    expect(createEventBody(eventFixture(6)).data.attributes).not.toHaveProperty('value_currency');
  });

  it('Bulk Create Events: v1 and v2 events in one request, valid by the contract', () => {
    const plan = planBulkRequests([
      { id: 'a', event: eventFixture(7) },
      { id: 'b', event: v2(8) },
    ]);
    expect(plan.requests).toHaveLength(1);
    const body = plan.requests[0]?.body;
    expect(contract.operations.bulk_create_events.validateBody(body)).toBeNull();
    const events =
      body?.data.attributes['events-bulk-create'].data.flatMap((e) => e.attributes.events.data) ?? [];
    expect(events.map((e) => [e.attributes.unique_id, 'value_currency' in e.attributes])).toEqual([
      ['demo:d-7', false],
      ['demo:d-8', true],
    ]);
    expect(events[1]?.attributes).toMatchObject({ value_currency: 'EUR' });
  });
});
