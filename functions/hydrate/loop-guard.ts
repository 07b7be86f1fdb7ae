// Klaviyo's system and flow webhooks can report events that the relay itself wrote into Klaviyo; writing
// them back would create a new event, which Klaviyo reports again, without end. Events the relay writes
// carry RELAY_SOURCE_PROPERTY, so one that comes back from Klaviyo is recognised and dropped.
import { RELAY_SOURCE_PROPERTY, type WebhookReceivedV1 } from '../shared/stage/contracts.ts';
import { getPath } from '../shared/json/path.ts';

/** Where a relay-made event's properties sit in what Klaviyo sends (system webhook: Get Event shape). */
const PROPERTY_PATHS = [
  `data.attributes.event_properties.${RELAY_SOURCE_PROPERTY}`,
  `event_properties.${RELAY_SOURCE_PROPERTY}`,
  RELAY_SOURCE_PROPERTY,
];

export function isRelayMadeEvent(message: WebhookReceivedV1): boolean {
  if (message.meta.origin !== 'klaviyo') return false;
  return PROPERTY_PATHS.some((path) => typeof getPath(message.payload, path) === 'string');
}
