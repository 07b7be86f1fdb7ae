import { describe, expect, it } from 'vitest';
import { RELAY_SOURCE_PROPERTY, type WebhookReceivedV1 } from '../../functions/shared/stage/contracts.ts';
import { isRelayMadeEvent } from '../../functions/hydrate/loop-guard.ts';
import { webhookReceived } from '../helpers/stage-messages.ts';

const message = (meta: Record<string, string>, eventProperties: Record<string, unknown>): WebhookReceivedV1 =>
  webhookReceived({
    source: 'k',
    id: '1',
    eventType: 'event:klaviyo.placed_order',
    receivedAt: '2026-11-23T10:00:00.000Z',
    meta,
    payload: { data: { type: 'event', attributes: { event_properties: eventProperties } } },
  });

describe('Klaviyo loop guard', () => {
  it('drops an event from Klaviyo that the relay wrote', () => {
    expect(isRelayMadeEvent(message({ origin: 'klaviyo' }, { [RELAY_SOURCE_PROPERTY]: 'shopify' }))).toBe(
      true,
    );
  });
  it('keeps Klaviyo events the relay did not write', () => {
    expect(isRelayMadeEvent(message({ origin: 'klaviyo' }, { 'Message Body': 'hi' }))).toBe(false);
  });
  it('never drops events from other senders, whatever they carry', () => {
    expect(isRelayMadeEvent(message({}, { [RELAY_SOURCE_PROPERTY]: 'x' }))).toBe(false);
  });
});
