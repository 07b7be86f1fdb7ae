// The Klaviyo events one webhook becomes: the source's single event, or each entry of `mapping.events` — once, or
// once per element of its `for_each` list. Each event gets a unique_id derived from the delivery, the entry's id
// and the element's key, so reprocessing the webhook adds nothing at Klaviyo and no two of its events share an
// id (a bulk request with a repeated unique_id fails whole).
import type { EventSpec, Mapping, SourceConfig } from '../../shared/config/relay-config.ts';
import {
  klaviyoEventV1Schema,
  klaviyoEventV2Schema,
  type KlaviyoEvent,
  type ProfileIdentifiers,
  type WebhookReceivedV1,
} from '../../shared/stage/contracts.ts';
import { PermanentError } from '../../shared/stage/errors.ts';
import { readValue } from '../../shared/config/expression.ts';
import { defaultRootsOf, mappingWhere, type MappingContext } from './context.ts';
import { buildEventProperties, type PropertySpecs } from './event-properties.ts';
import { metricNameFor } from './metric-name.ts';
import { uniqueIdFor } from './unique-id.ts';
import { isTruthy, toCurrency, toNumber, toTime } from './values.ts';

/** Events one webhook may become in all: each is a message, and a batch of webhooks shares one invocation. */
export const MAX_EVENTS_PER_WEBHOOK = 500;

/** An event its filter left out: logged and counted by the caller, never dead-lettered. */
export interface SkippedEvent {
  /** The filter's configuration field, e.g. `sources.shop.mapping.events[1].filter`. */
  where: string;
  /** The element's position, for a for_each event. */
  index?: number;
}

export interface MappedEvents {
  events: KlaviyoEvent[];
  skipped: SkippedEvent[];
  /** Property names dropped to stay within Klaviyo's 400. */
  droppedProperties: string[];
  /** Times that could not be read (text that is no date, a number outside a date's range): received time used. */
  timeFallbacks: TimeFallback[];
}

/** A mapped time the event could not take; the event carries the time the relay received the webhook. */
export interface TimeFallback {
  /** The configuration field, e.g. `sources.shop.mapping.time`. */
  where: string;
  /** What the field gave (text cut to 100 characters). */
  value: unknown;
}

/** One event to build: what shapes it, the context it reads, and the parts of its unique_id after the delivery. */
interface PlannedEvent {
  spec: EventFields;
  ownMetric: { spec: EventSpec['metric']; where: string } | undefined;
  context: unknown;
  where: string;
  idParts: string[];
  unprefixedRoot: string;
  defaultRoots: readonly string[];
}

type EventFields = PropertySpecs & Pick<Mapping, 'filter' | 'value' | 'value_currency' | 'time' | 'backfill'>;

export async function mapEvents(
  message: WebhookReceivedV1,
  source: SourceConfig,
  context: MappingContext,
  profile: ProfileIdentifiers,
  /** Given each event as it is built, instead of `events` (which then stays empty): hydrate encodes it at once. */
  onEvent?: (event: KlaviyoEvent) => void,
): Promise<MappedEvents> {
  const out: MappedEvents = { events: [], skipped: [], droppedProperties: [], timeFallbacks: [] };
  const seen = new Map<string, string>();
  for await (const planned of plannedEvents(message, source, context, out.skipped)) {
    if (seen.size >= MAX_EVENTS_PER_WEBHOOK) {
      throw new PermanentError(
        `${mappingWhere(message.source)}: the webhook would become more than ${MAX_EVENTS_PER_WEBHOOK} events`,
        'too_many_events',
        { where: planned.where },
      );
    }
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

/** The events to build, in order; filters are applied here (the skipped are recorded in `skipped`). */
async function* plannedEvents(
  message: WebhookReceivedV1,
  source: SourceConfig,
  context: MappingContext,
  skipped: SkippedEvent[],
): AsyncGenerator<PlannedEvent> {
  const { mapping } = source;
  const base = mappingWhere(message.source);
  const sourceRoots = defaultRootsOf(source);
  if (mapping.events === undefined) {
    // The source's single event; its filter is the webhook's, applied before mapping (map-webhook.ts).
    yield {
      spec: { ...mapping, filter: undefined },
      ownMetric: undefined,
      context,
      where: base,
      idParts: [],
      unprefixedRoot: 'event',
      defaultRoots: sourceRoots,
    };
    return;
  }
  for (const [position, entry] of mapping.events.entries()) {
    if (entry.event_types !== undefined && !entry.event_types.includes(message.event_type)) continue;
    const where = `${base}.events[${position}]`;
    const spec: EventFields = {
      ...entry,
      time: entry.time ?? mapping.time,
      value_currency: entry.value_currency ?? mapping.value_currency,
      backfill: entry.backfill ?? mapping.backfill,
    };
    const id = entry.id ?? String(position);
    const ownMetric =
      entry.metric === undefined ? undefined : { spec: entry.metric, where: `${where}.metric` };
    if (entry.for_each === undefined) {
      if (!(await passes(spec, context, where, skipped))) continue;
      yield {
        spec,
        ownMetric,
        context,
        where,
        idParts: [id],
        unprefixedRoot: 'event',
        defaultRoots: sourceRoots,
      };
      continue;
    }
    const elements = asList(await readValue(entry.for_each, context, `${where}.for_each`));
    const usedKeys = new Set<string>();
    for (const [index, item] of elements.entries()) {
      // Shallow: the element and its index beside the shared roots, which are never changed.
      const elementContext = { ...context, item, index };
      if (!(await passes(spec, elementContext, where, skipped, index))) continue;
      const key =
        entry.key === undefined
          ? String(index)
          : distinctKey(
              elementKey(await readValue(entry.key, elementContext, `${where}.key`), `${where}.key`, index),
              usedKeys,
            );
      yield {
        spec,
        ownMetric,
        context: elementContext,
        where: `${where}[${index}]`,
        idParts: [id, key],
        unprefixedRoot: 'item',
        defaultRoots: ['item'],
      };
    }
  }
}

async function passes(
  spec: EventFields,
  context: unknown,
  where: string,
  skipped: SkippedEvent[],
  index?: number,
): Promise<boolean> {
  if (spec.filter === undefined) return true;
  if (isTruthy(await readValue(spec.filter, context, `${where}.filter`))) return true;
  skipped.push({ where: `${where}.filter`, ...(index === undefined ? {} : { index }) });
  return false;
}

/**
 * A for_each result as a list. JSONata gives a single match as the value itself, not a list of one, so a lone
 * value is one element; nothing (undefined, null) is none.
 */
function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function elementKey(value: unknown, where: string, index: number): string {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new PermanentError(
    `${where}: element ${index} has no key (got ${JSON.stringify(value)?.slice(0, 50) ?? 'nothing'}; a non-empty string or a number is needed)`,
    'event_key_invalid',
    { where, index },
  );
}

/**
 * The key itself the first time it is seen; a repeat (the same SKU twice in one order) gets `#2`, `#3`… — the
 * first not yet used — so every element keeps an id of its own, the same each time the webhook is mapped, and
 * the first occurrence keeps the id it had before repeats were allowed (nothing already delivered is re-sent).
 */
function distinctKey(key: string, used: Set<string>): string {
  let candidate = key;
  for (let n = 2; used.has(candidate); n++) candidate = `${key}#${n}`;
  used.add(candidate);
  return candidate;
}

async function buildEvent(
  message: WebhookReceivedV1,
  mapping: Mapping,
  planned: PlannedEvent,
  profile: ProfileIdentifiers,
): Promise<{ event: KlaviyoEvent; dropped: string[]; timeFallback?: TimeFallback }> {
  const { spec, context, where } = planned;
  const built = await buildEventProperties(spec, context, {
    defaultRoots: planned.defaultRoots,
    unprefixedRoot: planned.unprefixedRoot,
    relaySource: message.source,
    where,
  });
  const value =
    spec.value === undefined ? undefined : toNumber(await readValue(spec.value, context, `${where}.value`));
  const currency =
    spec.value_currency === undefined
      ? undefined
      : toCurrency(
          await readValue(spec.value_currency, context, `${where}.value_currency`),
          `${where}.value_currency`,
        );
  const mappedTime =
    spec.time === undefined ? undefined : await readValue(spec.time, context, `${where}.time`);
  const time = toTime(mappedTime);
  // A time the event cannot take is no reason to lose it: it keeps the received time, and the caller logs why.
  const timeFallback =
    time === undefined && mappedTime !== undefined && mappedTime !== null
      ? {
          where: `${where}.time`,
          value: typeof mappedTime === 'string' ? mappedTime.slice(0, 100) : mappedTime,
        }
      : undefined;
  const candidate = {
    type: 'klaviyo.event',
    // v1 whenever the event fits it: a deliver that knows only v1 keeps working through a deploy.
    version: built.nested || currency !== undefined ? 2 : 1,
    correlation_id: message.correlation_id,
    source: message.source,
    delivery_id: message.delivery_id,
    metric: await metricNameFor(
      planned.ownMetric,
      mapping,
      message.event_type,
      context,
      mappingWhere(message.source),
    ),
    profile,
    properties: built.properties,
    time: time ?? message.received_at,
    ...(value === undefined ? {} : { value }),
    ...(currency === undefined ? {} : { value_currency: currency }),
    unique_id: uniqueIdFor(message.source, message.delivery_id, ...planned.idParts),
    // A replay (relay replay --backfill) marks every event so, whatever the mapping says.
    backfill: message.backfill === true || (spec.backfill ?? false),
  };
  const parsed =
    candidate.version === 1
      ? klaviyoEventV1Schema().safeParse(candidate)
      : klaviyoEventV2Schema().safeParse(candidate);
  if (!parsed.success) {
    throw new PermanentError(
      `${where}: mapped event does not match the contract`,
      'mapping_invalid',
      parsed.error.issues,
    );
  }
  return { event: parsed.data, dropped: built.dropped, ...(timeFallback && { timeFallback }) };
}
