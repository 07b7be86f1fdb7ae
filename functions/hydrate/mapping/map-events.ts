// The Klaviyo events one webhook becomes, planned (./plan-events.ts: the source's single event, or each entry of
// `mapping.events` — once, or once per element of its `for_each` list) and built (./build-event.ts) one at a time.
// Each event gets a unique_id derived from the delivery, the entry's id and the element's key, so reprocessing
// the webhook adds nothing at Klaviyo; here the webhook's own bounds hold: at most MAX_EVENTS_PER_WEBHOOK events,
// and no two sharing an id (a bulk request with a repeated unique_id fails whole).
import type { SourceConfig } from '../../shared/config/relay-config.ts';
import type { KlaviyoEvent, ProfileIdentifiers, WebhookReceivedV1 } from '../../shared/stage/contracts.ts';
import { PermanentError } from '../../shared/stage/errors.ts';
import { buildEvent, type TimeFallback } from './build-event.ts';
import { mappingWhere, type MappingContext } from './context.ts';
import { plannedEvents, type SkippedEvent } from './plan-events.ts';

/** Events one webhook may become in all: each is a message, and a batch of webhooks shares one invocation. */
export const MAX_EVENTS_PER_WEBHOOK = 500;

export interface MappedEvents {
  events: KlaviyoEvent[];
  skipped: SkippedEvent[];
  /** Property names dropped to stay within Klaviyo's 400. */
  droppedProperties: string[];
  /** Times that could not be read (text that is no date, a number outside a date's range): received time used. */
  timeFallbacks: TimeFallback[];
}

export async function mapEvents(
  message: WebhookReceivedV1,
  source: SourceConfig,
  context: MappingContext,
  /** Who the events are about: read when the first event is built (a webhook that becomes none needs no one). */
  profileOf: () => Promise<ProfileIdentifiers>,
  /** Given each event as it is built, instead of `events` (which then stays empty): hydrate encodes it at once. */
  onEvent?: (event: KlaviyoEvent) => void,
): Promise<MappedEvents> {
  const out: MappedEvents = { events: [], skipped: [], droppedProperties: [], timeFallbacks: [] };
  const seen = new Map<string, string>();
  let profile: ProfileIdentifiers | undefined;
  for await (const planned of plannedEvents(message, source, context, out.skipped)) {
    if (seen.size >= MAX_EVENTS_PER_WEBHOOK) {
      throw new PermanentError(
        `${mappingWhere(message.source)}: the webhook would become more than ${MAX_EVENTS_PER_WEBHOOK} events`,
        'too_many_events',
        { where: planned.where },
      );
    }
    profile ??= await profileOf();
    const { event, dropped, timeFallback } = await buildEvent(message, source.mapping, planned, profile);
    if (timeFallback) out.timeFallbacks.push(timeFallback);
    const earlier = seen.get(event.unique_id);
    if (earlier !== undefined) {
      throw new PermanentError(
        `${planned.where}: unique_id "${event.unique_id}" repeats that of ${earlier}; give each element a distinct key`,
        'duplicate_unique_id',
        { where: planned.where, unique_id: event.unique_id, first: earlier },
      );
    }
    seen.set(event.unique_id, planned.where);
    if (onEvent) onEvent(event);
    else out.events.push(event);
    for (const name of dropped) out.droppedProperties.push(name);
  }
  return out;
}
