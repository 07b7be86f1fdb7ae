// The catalog rows one webhook becomes (`mapping.catalog`): each entry whose event types match and whose `when`
// holds gives one `klaviyo.catalog` message, or one per element of its `for_each` (read as `item`, `index`),
// named by its external id and versioned by its `as_of`. Values are read as Klaviyo takes them: numeric text as a
// number (shops send prices as "25.00"), ids as text, lists of ids as text. A row with no external id is skipped
// with the reason (logged and counted by the caller); a row that breaks the contract (an upsert without what
// Klaviyo needs to create the entity) fails the webhook as `mapping_invalid`, as another mapped write does.
import type { SourceConfig } from '../../shared/config/relay-config.ts';
import type { CatalogSpec } from '../../shared/config/mapping-catalog.ts';
import { readValue } from '../../shared/config/expression.ts';
import {
  klaviyoCatalogV1Schema,
  type KlaviyoCatalogV1,
  type WebhookReceivedV1,
} from '../../shared/stage/contracts.ts';
import { PermanentError } from '../../shared/stage/errors.ts';
import type { TimeFallback } from './build-event.ts';
import { mappingWhere, type MappingContext } from './context.ts';
import type { SkippedEvent } from './plan-events.ts';
import { stateVersion } from './state-version.ts';
import { isTruthy, toNumber } from './values.ts';

export interface CatalogOutcome {
  skipped: SkippedEvent[];
  timeFallbacks: TimeFallback[];
}

const NUMBERS = new Set(['price', 'inventory_quantity', 'inventory_policy']);
const ID_LISTS = new Set(['categories', 'items', 'images']);

const asText = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== ''
    ? value.trim()
    : typeof value === 'number' && Number.isFinite(value)
      ? String(value)
      : undefined;

/** A mapped field as the contract takes it; undefined leaves it out (Klaviyo keeps what it holds). */
function fieldValue(name: string, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (NUMBERS.has(name)) return toNumber(value) ?? value;
  if (ID_LISTS.has(name))
    return (Array.isArray(value) ? (value as unknown[]) : [value]).map((v) => asText(v) ?? v);
  if (name === 'published') return typeof value === 'boolean' ? value : isTruthy(value);
  if (name === 'custom_metadata' || name === 'description') return value;
  return asText(value) ?? value;
}

const asList = (value: unknown): unknown[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];

export async function mapCatalog(
  message: WebhookReceivedV1,
  source: SourceConfig,
  context: MappingContext,
  out: CatalogOutcome,
  add: (made: KlaviyoCatalogV1) => void,
): Promise<void> {
  for (const [position, entry] of (source.mapping.catalog ?? []).entries()) {
    if (entry.event_types !== undefined && !entry.event_types.includes(message.event_type)) continue;
    const where = `${mappingWhere(message.source)}.catalog[${position}]`;
    if (entry.when !== undefined && !isTruthy(await readValue(entry.when, context, `${where}.when`)))
      continue;
    if (entry.for_each === undefined) {
      const made = await catalogRow(message, entry, context, where, out);
      if (made) add(made);
      continue;
    }
    const elements = asList(await readValue(entry.for_each, context, `${where}.for_each`));
    for (const [index, item] of elements.entries()) {
      const made = await catalogRow(message, entry, { ...context, item, index }, `${where}[${index}]`, out);
      if (made) add(made);
    }
  }
}

async function catalogRow(
  message: WebhookReceivedV1,
  entry: CatalogSpec,
  context: unknown,
  where: string,
  out: CatalogOutcome,
): Promise<KlaviyoCatalogV1 | undefined> {
  const externalId = asText(await readValue(entry.external_id, context, `${where}.external_id`));
  if (externalId === undefined) {
    out.skipped.push({
      where: `${where}.external_id`,
      reason: 'no external id (a non-empty text or a number)',
    });
    return undefined;
  }
  const fields: Record<string, unknown> = {};
  if (entry.operation === 'upsert')
    for (const [name, spec] of Object.entries(entry.fields)) {
      if (spec === undefined) continue;
      const value = fieldValue(name, await readValue(spec, context, `${where}.fields.${name}`));
      if (value !== undefined) fields[name] = value;
    }
  const candidate = {
    type: 'klaviyo.catalog',
    version: 1,
    correlation_id: message.correlation_id,
    source: message.source,
    delivery_id: message.delivery_id,
    entity: entry.entity,
    operation: entry.operation,
    external_id: externalId,
    ...(entry.operation === 'upsert' ? { fields } : {}),
    as_of: await stateVersion(entry.as_of, context, `${where}.as_of`, message.received_at, out.timeFallbacks),
  };
  const parsed = klaviyoCatalogV1Schema().safeParse(candidate);
  if (!parsed.success)
    throw new PermanentError(`${where}: mapped catalog row does not match the contract`, 'mapping_invalid', {
      where,
      issues: parsed.error.issues,
    });
  return parsed.data;
}
