// Which events one webhook becomes, before any is built: the source's single event, or each entry of
// `mapping.events` whose event types match — once, or once per element of its `for_each` list — each with the
// context it reads and the parts of its unique_id after the delivery (the entry's id, the element's key, made
// distinct). Filters are applied here; what they leave out is recorded, never dead-lettered.
import type { EventSpec, Mapping, SourceConfig } from '../../shared/config/relay-config.ts';
import type { WebhookReceivedV1 } from '../../shared/stage/contracts.ts';
import { PermanentError } from '../../shared/stage/errors.ts';
import { readValue } from '../../shared/config/expression.ts';
import { explainFilter } from './explain-filter.ts';
import { defaultRootsOf, mappingWhere, type MappingContext } from './context.ts';
import type { PropertySpecs } from './event-properties.ts';
import { isTruthy } from './values.ts';

/**
 * A write left out — by its filter, or (with `reason`) because the mapping gave what cannot be written (a consent
 * write without an identifier that fits its channel): logged and counted by the caller, never dead-lettered.
 */
export interface SkippedEvent {
  /** The configuration field, e.g. `sources.shop.mapping.events[1].filter`. */
  where: string;
  /** The element's position, for a for_each event. */
  index?: number;
  /** Why the mapping's write could not be made; absent for a filter's decision. */
  reason?: string;
  /** A filter's decision: the condition that was not true (./explain-filter.ts). */
  condition?: string;
  /** The values of the fields that condition reads. */
  values?: Record<string, unknown>;
}

/** One event to build: what shapes it, the context it reads, and the parts of its unique_id after the delivery. */
export interface PlannedEvent {
  spec: EventFields;
  ownMetric: { spec: EventSpec['metric']; where: string } | undefined;
  context: unknown;
  where: string;
  idParts: string[];
  unprefixedRoot: string;
  defaultRoots: readonly string[];
}

export type EventFields = PropertySpecs &
  Pick<Mapping, 'filter' | 'value' | 'value_currency' | 'time' | 'backfill'>;

/** The events to build, in order; filters are applied here (the skipped are recorded in `skipped`). */
export async function* plannedEvents(
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
  const why = await explainFilter(spec.filter, context, `${where}.filter`);
  skipped.push({ where: `${where}.filter`, ...(index === undefined ? {} : { index }), ...why });
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
