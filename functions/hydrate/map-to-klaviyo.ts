// The mapping's entry points for hydrate and for tests: a webhook (and what hydration fetched) in, the Klaviyo
// messages out. The work is done in ./mapping/ — one file per job: events, properties, profile, unique ids.
import type { SourceConfig } from '../shared/config/relay-config.ts';
import type { KlaviyoLists } from '../shared/config/klaviyo-lists.ts';
import type { KlaviyoEvent, KlaviyoProfileUpsertV1, WebhookReceivedV1 } from '../shared/stage/contracts.ts';
import { PermanentError } from '../shared/stage/errors.ts';
import type { MappingContext } from './mapping/context.ts';
import { mapEvents } from './mapping/map-events.ts';
import { mapWebhook, type HydratedMessage, type MappedWebhook } from './mapping/map-webhook.ts';
import { mapProfileUpsert, profileOf } from './mapping/profile.ts';

export type { MappingContext } from './mapping/context.ts';
export type { HydratedMessage } from './mapping/map-webhook.ts';
export { humanizeEventType } from './mapping/metric-name.ts';
export { uniqueIdFor } from './mapping/unique-id.ts';

/** The source's first event (ignoring the webhook filter): the single event of a mapping without `events`. */
export async function mapToKlaviyoEvent(
  message: WebhookReceivedV1,
  source: SourceConfig,
  context: MappingContext,
): Promise<{ event: KlaviyoEvent; droppedProperties: string[] }> {
  const mapped = await mapEvents(message, source, context, () => profileOf(message.source, source, context));
  const [event] = mapped.events;
  if (!event) throw new PermanentError('the mapping gave no event', 'no_event');
  return { event, droppedProperties: mapped.droppedProperties };
}

export async function mapToProfileUpsert(
  message: WebhookReceivedV1,
  source: SourceConfig,
  context: MappingContext,
): Promise<KlaviyoProfileUpsertV1> {
  const out = { timeFallbacks: [], skipped: [] as { where: string; reason?: string }[] };
  const upsert = await mapProfileUpsert(
    message,
    source,
    context,
    await profileOf(message.source, source, context),
    out,
  );
  if (upsert) return upsert;
  const [problem] = out.skipped;
  throw new PermanentError(`${problem?.where}: ${problem?.reason}`, 'mapping_problem', out.skipped);
}

/**
 * Everything deliver should send for one webhook, and what filters skipped; with `onMessage`, each message is
 * handed to it as it is made rather than collected.
 */
export function mapToKlaviyoMessages(
  message: WebhookReceivedV1,
  source: SourceConfig,
  context: MappingContext,
  onMessage?: (message: HydratedMessage) => void,
  /** `klaviyo.lists`, for consent entries that name a list. */
  lists?: KlaviyoLists,
): Promise<MappedWebhook> {
  return mapWebhook(message, source, context, onMessage, lists);
}
