// One planned event built (./plan-events.ts): its properties, value, currency, time and metric read from its
// context, its unique_id from the delivery and its id parts, checked against the event contract (v1 whenever
// the event fits it). A time it cannot take falls back to the received time and is reported, never lost.
import type { Mapping } from '../../shared/config/relay-config.ts';
import {
  klaviyoEventV1Schema,
  klaviyoEventV2Schema,
  type KlaviyoEvent,
  type ProfileIdentifiers,
  type WebhookReceivedV1,
} from '../../shared/stage/contracts.ts';
import { PermanentError } from '../../shared/stage/errors.ts';
import { readValue } from '../../shared/config/expression.ts';
import { mappingWhere } from './context.ts';
import { buildEventProperties } from './event-properties.ts';
import { metricNameFor } from './metric-name.ts';
import type { PlannedEvent } from './plan-events.ts';
import { uniqueIdFor } from './unique-id.ts';
import { toCurrency, toNumber, toTime } from './values.ts';

/** A mapped time the event could not take; the event carries the time the relay received the webhook. */
export interface TimeFallback {
  /** The configuration field, e.g. `sources.shop.mapping.time`. */
  where: string;
  /** What the field gave (text cut to 100 characters). */
  value: unknown;
}

export async function buildEvent(
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
