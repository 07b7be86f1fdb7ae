// Everything deliver should send for one webhook: its events, its profile upsert, or both (`mapping.emit`;
// per event type in `emit_by_event_type`; default both when `profile_attributes` is set, else the events alone) — or nothing, with the reason, when the
// source's filter says the webhook does not count (a test order, an order still incomplete).
import type { SourceConfig } from '../../shared/config/relay-config.ts';
import type { DeliverMessage, WebhookReceivedV1 } from '../../shared/stage/contracts.ts';
import { readValue } from '../../shared/config/expression.ts';
import { mappingWhere, type MappingContext } from './context.ts';
import { mapEvents } from './map-events.ts';
import type { SkippedEvent } from './plan-events.ts';
import type { TimeFallback } from './build-event.ts';
import { mapProfileUpsert, profileOf } from './profile.ts';
import { isTruthy } from './values.ts';

export interface MappedWebhook {
  messages: DeliverMessage[];
  /** What filters left out (the whole webhook, or single events); not failures. */
  skipped: SkippedEvent[];
  droppedProperties: string[];
  /** Mapped times the events could not take (they carry the received time instead). */
  timeFallbacks: TimeFallback[];
}

export async function mapWebhook(
  message: WebhookReceivedV1,
  source: SourceConfig,
  context: MappingContext,
  /** Given each message as it is made, instead of `messages` (which then stays empty): hydrate encodes it at once. */
  onMessage?: (message: DeliverMessage) => void,
): Promise<MappedWebhook> {
  const { mapping } = source;
  if (mapping.filter !== undefined) {
    const where = `${mappingWhere(message.source)}.filter`;
    if (!isTruthy(await readValue(mapping.filter, context, where))) {
      return { messages: [], skipped: [{ where }], droppedProperties: [], timeFallbacks: [] };
    }
  }
  const byType = Object.hasOwn(mapping.emit_by_event_type, message.event_type)
    ? mapping.emit_by_event_type[message.event_type]
    : undefined;
  const emit = byType ?? mapping.emit ?? (mapping.profile_attributes ? 'both' : 'event');
  const profile = await profileOf(message.source, source, context);
  const messages: DeliverMessage[] = [];
  const add = onMessage ?? ((made: DeliverMessage) => void messages.push(made));
  if (emit !== 'event') add(await mapProfileUpsert(message, source, context, profile));
  if (emit === 'profile') return { messages, skipped: [], droppedProperties: [], timeFallbacks: [] };
  const mapped = await mapEvents(message, source, context, profile, add);
  return {
    messages,
    skipped: mapped.skipped,
    droppedProperties: mapped.droppedProperties,
    timeFallbacks: mapped.timeFallbacks,
  };
}
