// hydrate → deliver: the Klaviyo event message, in its two versions (v1 flat and segmentable, v2 for what v1
// cannot carry: docs/adr/0017-several-events-and-event-contract-v2.md), and the property that marks every event
// the relay writes.
import * as z from '../../zod.ts';
import { memo } from '../../zod.ts';
import { flatPropertiesSchema, profileIdentifiersSchema, trace } from './fields.ts';

const eventFields = memo(() => ({
  type: z.literal('klaviyo.event'),
  ...trace(),
  metric: z.string().check(z.minLength(1), z.maxLength(128)),
  profile: profileIdentifiersSchema(),
  time: z.iso.datetime(),
  value: z.optional(z.number()),
  /** Deterministic: the same source event always yields the same id, so Klaviyo keeps one. */
  unique_id: z.string().check(z.minLength(1), z.maxLength(255)),
  /** Replays set this so old events do not trigger flows. */
  backfill: z._default(z.boolean(), false),
}));

/** hydrate → deliver: one Klaviyo event, ready to send, whose properties are all top-level and segmentable. */
export const klaviyoEventV1Schema = memo(() =>
  z.strictObject({ ...eventFields(), version: z.literal(1), properties: flatPropertiesSchema() }),
);
export type KlaviyoEventV1 = z.infer<ReturnType<typeof klaviyoEventV1Schema>>;

/**
 * hydrate → deliver, version 2: an event that v1 cannot carry — kept properties (arrays of objects such as `Items`),
 * `$extra`, or a `value_currency`. Hydrate writes v1 whenever the event fits it, so a deliver that knows only v1
 * keeps working during a deploy for every mapping that does not use these; deliver reads both.
 */
export const klaviyoEventV2Schema = memo(() =>
  z.strictObject({
    ...eventFields(),
    version: z.literal(2),
    /** Top-level names; values are any JSON (kept roots, `$extra`) beside the flattened scalars. */
    properties: z.record(z.string(), z.json()),
    /** ISO 4217, e.g. `USD` (Create Event's `attributes.value_currency`). */
    value_currency: z.optional(z.string().check(z.regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD'))),
  }),
);
export type KlaviyoEventV2 = z.infer<ReturnType<typeof klaviyoEventV2Schema>>;

/** Either version of the event message; deliver sends both the same way. */
export const klaviyoEventSchema = memo(() =>
  z.discriminatedUnion('version', [klaviyoEventV1Schema(), klaviyoEventV2Schema()]),
);
export type KlaviyoEvent = KlaviyoEventV1 | KlaviyoEventV2;

/**
 * Every event the relay writes carries this property (value: the source name). Klaviyo's webhooks can
 * send those events back to the relay; hydrate drops them instead of writing them again, which would loop.
 */
export const RELAY_SOURCE_PROPERTY = 'relay_source';
