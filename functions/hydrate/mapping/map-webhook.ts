// Everything deliver should send for one webhook: its events, its profile upsert, or both (`mapping.emit`;
// per event type in `emit_by_event_type`; default both when `profile_attributes` is set, else the events alone),
// and its consent writes (`subscriptions`, `unsubscriptions`, whatever `emit` says) — or nothing, with the reason,
// when the source's filter says the webhook does not count (a test order, an order still incomplete).
// Its catalog rows (`catalog`) go whatever `emit` says too; `emit: none` sends neither event nor upsert (a product topic).
// So do its custom-object records (`records`) and back-in-stock subscriptions (`back_in_stock`).
import type { KlaviyoLists } from '../../shared/config/klaviyo-lists.ts';
import type { SourceConfig } from '../../shared/config/relay-config.ts';
import type { DeliverMessage, ProfileIdentifiers, WebhookReceivedV1 } from '../../shared/stage/contracts.ts';
import { readValue } from '../../shared/config/expression.ts';
import { mappingWhere, type MappingContext } from './context.ts';
import { explainFilter } from './explain-filter.ts';
import { mapBackInStock } from './map-back-in-stock.ts';
import { mapCatalog } from './map-catalog.ts';
import { mapRecords } from './map-records.ts';
import { mapConsent } from './map-consent.ts';
import { mapEvents } from './map-events.ts';
import type { SkippedEvent } from './plan-events.ts';
import type { TimeFallback } from './build-event.ts';
import { mapProfileUpsert, profileOf } from './profile.ts';
import { isTruthy } from './values.ts';

/** What hydrate hands deliver: events, profile upserts and consent writes. */
export type HydratedMessage = DeliverMessage;

export interface MappedWebhook {
  messages: HydratedMessage[];
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
  onMessage?: (message: HydratedMessage) => void,
  /** `klaviyo.lists`: the names a consent entry's `list` may use. */
  lists: KlaviyoLists = {},
): Promise<MappedWebhook> {
  const { mapping } = source;
  if (mapping.filter !== undefined) {
    const where = `${mappingWhere(message.source)}.filter`;
    if (!isTruthy(await readValue(mapping.filter, context, where))) {
      const why = await explainFilter(mapping.filter, context, where);
      return { messages: [], skipped: [{ where, ...why }], droppedProperties: [], timeFallbacks: [] };
    }
  }
  const byType = Object.hasOwn(mapping.emit_by_event_type, message.event_type)
    ? mapping.emit_by_event_type[message.event_type]
    : undefined;
  const emit = byType ?? mapping.emit ?? (mapping.profile_attributes ? 'both' : 'event');
  // Read once, when a profile upsert or an event needs it: consent entries read their own identifiers, and a
  // webhook that becomes consent writes alone (a consent topic) needs no other.
  let profile: Promise<ProfileIdentifiers> | undefined;
  const profileOnce = () => (profile ??= profileOf(message.source, source, context));
  const messages: HydratedMessage[] = [];
  const add = onMessage ?? ((made: HydratedMessage) => void messages.push(made));
  const state = { skipped: [] as SkippedEvent[], timeFallbacks: [] as TimeFallback[] };
  if (emit === 'profile' || emit === 'both') {
    const upsert = await mapProfileUpsert(message, source, context, await profileOnce(), state);
    if (upsert) add(upsert);
  }
  await mapConsent(message, source, context, lists, state, add);
  await mapCatalog(message, source, context, state, add);
  await mapRecords(message, source, context, state, add);
  await mapBackInStock(message, source, context, profileOnce, state, add);
  if (emit === 'profile' || emit === 'none') return { messages, ...state, droppedProperties: [] };
  const mapped = await mapEvents(message, source, context, profileOnce, add);
  return {
    messages,
    skipped: [...state.skipped, ...mapped.skipped],
    droppedProperties: mapped.droppedProperties,
    timeFallbacks: [...state.timeFallbacks, ...mapped.timeFallbacks],
  };
}
