// hydrate's mapping to profile upserts: `mapping.profile_attributes` and `mapping.emit`.
import { describe, expect, it } from 'vitest';
import { sourceSchema } from '../../functions/shared/config/relay-config.ts';
import { mapToKlaviyoMessages } from '../../functions/hydrate/map-to-klaviyo.ts';
import { webhookReceived } from '../helpers/stage-messages.ts';

const message = webhookReceived({
  source: 'demo',
  id: 'd-1',
  eventType: 'customer.updated',
  receivedAt: '2026-11-23T10:00:00.000Z',
  payload: { email: 'ada@example.com', first: 'Ada', company: null, city: 'London', lat: 51.5, tier: 'gold' },
});
const context = { event: message.payload, meta: {} };

function sourceWith(mapping: Record<string, unknown>) {
  return sourceSchema().parse({
    kind: 'generic-hmac',
    secrets: [{ env: 'S' }],
    signature: { header: 'x-sig' },
    mapping: { profile: { email: ['event.email'] }, ...mapping },
  });
}

const attributes = {
  first_name: 'event.first',
  organization: 'event.company',
  last_name: 'event.last',
  'location.city': 'event.city',
  'location.latitude': 'event.lat',
  'properties.tier': 'event.tier',
};

describe('profile upserts from the mapping', () => {
  it('sends the upsert and the event by default when profile_attributes is set', async () => {
    const { messages } = await mapToKlaviyoMessages(
      message,
      sourceWith({ profile_attributes: attributes }),
      context,
    );
    expect(messages.map((m) => m.type)).toEqual(['klaviyo.profile-upsert', 'klaviyo.event']);
    expect(messages[0]).toMatchObject({
      profile: { email: 'ada@example.com' },
      // null in the webhook clears at Klaviyo; a path the webhook lacks (event.last) is left out, so kept.
      attributes: { first_name: 'Ada', organization: null },
      location: { city: 'London', latitude: 51.5 },
      properties: { tier: 'gold' },
    });
    expect(messages[0]).not.toHaveProperty('attributes.last_name');
  });

  it('emit: profile sends the upsert alone; no profile_attributes sends the event alone', async () => {
    const profileOnly = await mapToKlaviyoMessages(
      message,
      sourceWith({ profile_attributes: attributes, emit: 'profile' }),
      context,
    );
    expect(profileOnly.messages.map((m) => m.type)).toEqual(['klaviyo.profile-upsert']);
    expect(
      (await mapToKlaviyoMessages(message, sourceWith({}), context)).messages.map((m) => m.type),
    ).toEqual(['klaviyo.event']);
  });

  it('refuses attribute names Klaviyo does not have', () => {
    expect(() => sourceWith({ profile_attributes: { favourite_colour: 'event.x' } })).toThrow();
    expect(() => sourceWith({ profile_attributes: { 'location.planet': 'event.x' } })).toThrow();
  });
});
