// The default mapping that works for any source: metric from the event type, profile identifiers from
// configured paths, value and time from optional paths, everything else flattened into properties, and
// a unique_id that is the same every time this source event is processed.
import { createHash } from 'node:crypto';
import type { SourceConfig } from '../shared/config.ts';
import type { KlaviyoEventV1, WebhookReceivedV1 } from '../shared/contracts.ts';
import { KlaviyoEventV1Schema } from '../shared/contracts.ts';
import { PermanentError } from '../shared/errors.ts';
import { firstScalar, getPath } from '../shared/json-path.ts';
import { flattenProperties } from './flatten.ts';

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
  const profile = {
    email: firstScalar(context, mapping.profile.email),
    phone_number: firstScalar(context, mapping.profile.phone_number),
    external_id: firstScalar(context, mapping.profile.external_id),
  };
  if (!profile.email && !profile.phone_number && !profile.external_id) {
    throw new PermanentError(
      'no profile identifier found (looked for email, phone_number, external_id at the configured paths)',
      'no_profile_identifier',
      mapping.profile,
    );
  }
  const roots = mapping.include ?? ['event', ...(source.hydration?.steps.map((s) => s.name) ?? [])];
  const { properties, dropped } = flattenProperties(
    roots.map((root) => ({ prefix: root === 'event' ? '' : root, value: getPath(context, root) })),
  );
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
    profile: Object.fromEntries(Object.entries(profile).filter(([, v]) => v !== undefined)),
    properties,
    time: toTime(mapping.time ? getPath(context, mapping.time) : undefined, message.received_at),
    ...(value === undefined ? {} : { value }),
    unique_id: uniqueIdFor(message.source, message.delivery_id),
    backfill: false,
  };
  const parsed = KlaviyoEventV1Schema.safeParse(candidate);
  if (!parsed.success) {
    throw new PermanentError(
      'mapped event does not match the contract',
      'mapping_invalid',
      parsed.error.issues,
    );
  }
  return { event: parsed.data, droppedProperties: dropped };
}
