// The default mapping that works for any source: metric from the event type, profile identifiers from
// configured paths, value and time from optional paths, everything else flattened into properties, and
// a unique_id that is the same every time this source event is processed.
import { createHash } from 'node:crypto';
import type { Mapping, SourceConfig } from '../shared/config.ts';
import type {
  DeliverMessage,
  KlaviyoEventV1,
  KlaviyoProfileUpsertV1,
  ProfileIdentifiers,
  WebhookReceivedV1,
} from '../shared/contracts.ts';
import {
  klaviyoEventV1Schema,
  klaviyoProfileUpsertV1Schema,
  RELAY_SOURCE_PROPERTY,
} from '../shared/contracts.ts';
import { PermanentError } from '../shared/errors.ts';
import { firstScalar, getPath } from '../shared/json-path.ts';
import { MAX_PROPERTIES, flattenProperties } from './flatten.ts';

/** `orders/create` → `Orders Create`; `invoice.payment_succeeded` → `Invoice Payment Succeeded`. */
export function humanizeEventType(eventType: string): string {
  return eventType
    .split(/[\s/._:-]+/)
    .filter(Boolean)
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join(' ')
    .slice(0, 127);
}

export function uniqueIdFor(source: string, deliveryId: string): string {
  const readable = `${source}:${deliveryId}`;
  return readable.length <= 255
    ? readable
    : `${source}:sha256:${createHash('sha256').update(deliveryId).digest('hex')}`;
}

function toTime(value: unknown, fallback: string): string {
  if (typeof value === 'number' && Number.isFinite(value)) {
    // Epoch seconds or milliseconds, whichever the magnitude says.
    return new Date(value < 1e12 ? value * 1000 : value).toISOString();
  }
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed)) return new Date(parsed).toISOString();
  }
  return fallback;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

/** The profile's identifiers from the configured paths; a permanent failure when none is there. */
function profileOf(context: MappingContext, mapping: Mapping): ProfileIdentifiers {
  const found = {
    email: firstScalar(context, mapping.profile.email),
    phone_number: firstScalar(context, mapping.profile.phone_number),
    external_id: firstScalar(context, mapping.profile.external_id),
  };
  if (!found.email && !found.phone_number && !found.external_id) {
    throw new PermanentError(
      'no profile identifier found (looked for email, phone_number, external_id at the configured paths)',
      'no_profile_identifier',
      mapping.profile,
    );
  }
  return Object.fromEntries(Object.entries(found).filter(([, v]) => v !== undefined));
}

export interface MappingContext {
  event: unknown;
  meta: Record<string, string>;
  [step: string]: unknown;
}

export function mapToKlaviyoEvent(
  message: WebhookReceivedV1,
  source: SourceConfig,
  context: MappingContext,
): { event: KlaviyoEventV1; droppedProperties: string[] } {
  const { mapping } = source;
  const profile = profileOf(context, mapping);
  const roots = mapping.include ?? ['event', ...(source.hydration?.steps.map((s) => s.name) ?? [])];
  const flat = flattenProperties(
    roots.map((root) => ({ prefix: root === 'event' ? '' : root, value: getPath(context, root) })),
    MAX_PROPERTIES - 1,
  );
  const properties = { ...flat.properties, [RELAY_SOURCE_PROPERTY]: message.source };
  const dropped = flat.dropped;
  const value = mapping.value ? toNumber(getPath(context, mapping.value)) : undefined;
  const candidate = {
    type: 'klaviyo.event',
    version: 1,
    correlation_id: message.correlation_id,
    source: message.source,
    delivery_id: message.delivery_id,
    metric:
      mapping.metric_by_event_type[message.event_type] ??
      mapping.metric ??
      humanizeEventType(message.event_type),
    profile,
    properties,
    time: toTime(mapping.time ? getPath(context, mapping.time) : undefined, message.received_at),
    ...(value === undefined ? {} : { value }),
    unique_id: uniqueIdFor(message.source, message.delivery_id),
    backfill: false,
  };
  const parsed = klaviyoEventV1Schema().safeParse(candidate);
  if (!parsed.success) {
    throw new PermanentError(
      'mapped event does not match the contract',
      'mapping_invalid',
      parsed.error.issues,
    );
  }
  return { event: parsed.data, droppedProperties: dropped };
}

type Scalar = string | number | boolean;
const isScalar = (v: unknown): v is Scalar =>
  typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean';

/**
 * A mapped value as profile import takes it: `null` (clear), a scalar, a list of scalars (custom properties
 * only) — or undefined (leave unchanged) for a missing path or a value that fits none of these.
 */
function profileValue(value: unknown, kind: 'text' | 'coordinate' | 'property') {
  if (value === null) return null;
  if (kind === 'property') {
    if (isScalar(value)) return value;
    if (Array.isArray(value) && value.every(isScalar)) return value;
    return undefined;
  }
  if (kind === 'coordinate' && (typeof value === 'number' || typeof value === 'string')) return value;
  return isScalar(value) ? String(value) : undefined;
}

/**
 * The profile upsert the mapping's `profile_attributes` describe. Only attributes whose path is present in the
 * context are included, so an attribute the webhook does not mention is left as Klaviyo has it, and one the
 * webhook sets to `null` is cleared.
 */
export function mapToProfileUpsert(
  message: WebhookReceivedV1,
  source: SourceConfig,
  context: MappingContext,
): KlaviyoProfileUpsertV1 {
  const attributes: Record<string, unknown> = {};
  const location: Record<string, unknown> = {};
  const properties: Record<string, unknown> = {};
  for (const [key, path] of Object.entries(source.mapping.profile_attributes ?? {})) {
    const [group, name = ''] = key.includes('.')
      ? [key.slice(0, key.indexOf('.')), key.slice(key.indexOf('.') + 1)]
      : [key];
    const kind =
      group === 'properties'
        ? 'property'
        : name === 'latitude' || name === 'longitude'
          ? 'coordinate'
          : 'text';
    const value = profileValue(getPath(context, path), kind);
    if (value === undefined) continue;
    if (group === 'location') location[name] = value;
    else if (group === 'properties') properties[name] = value;
    else attributes[group] = value;
  }
  const candidate = {
    type: 'klaviyo.profile-upsert',
    version: 1,
    correlation_id: message.correlation_id,
    source: message.source,
    delivery_id: message.delivery_id,
    profile: profileOf(context, source.mapping),
    attributes,
    ...(Object.keys(location).length > 0 ? { location } : {}),
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
  };
  const parsed = klaviyoProfileUpsertV1Schema().safeParse(candidate);
  if (!parsed.success) {
    throw new PermanentError(
      'mapped profile upsert does not match the contract',
      'mapping_invalid',
      parsed.error.issues,
    );
  }
  return parsed.data;
}

/**
 * Everything deliver should send for one webhook: the event, the profile upsert, or both (`mapping.emit`;
 * default both when `profile_attributes` is set, else the event alone).
 */
export function mapToKlaviyoMessages(
  message: WebhookReceivedV1,
  source: SourceConfig,
  context: MappingContext,
): { messages: DeliverMessage[]; droppedProperties: string[] } {
  const emit = source.mapping.emit ?? (source.mapping.profile_attributes ? 'both' : 'event');
  const messages: DeliverMessage[] = [];
  let droppedProperties: string[] = [];
  if (emit !== 'event') messages.push(mapToProfileUpsert(message, source, context));
  if (emit !== 'profile') {
    const mapped = mapToKlaviyoEvent(message, source, context);
    messages.push(mapped.event);
    droppedProperties = mapped.droppedProperties;
  }
  return { messages, droppedProperties };
}
