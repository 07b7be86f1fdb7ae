// Versioned messages between the stages. Every producer builds them through these schemas and every
// consumer validates them with the same schemas, so a change of shape is a change of version.
import * as z from './zod.ts';

const NonEmptyString = z.string().check(z.minLength(1));

const JsonScalarSchema = z.union([z.string(), z.number(), z.boolean()]);
/** What Klaviyo can segment on: top-level scalars, or lists of scalars. */
export const FlatPropertiesSchema = z.record(
  z.string(),
  z.union([JsonScalarSchema, z.array(JsonScalarSchema)]),
);
export type FlatProperties = z.infer<typeof FlatPropertiesSchema>;

const trace = {
  /** `<source>:<delivery id>`: in every log line of every stage. */
  correlation_id: NonEmptyString,
  source: NonEmptyString,
  delivery_id: z.string().check(z.minLength(1), z.maxLength(512)),
};

/** ingest → hydrate: one verified, deduplicated webhook event. */
export const WebhookReceivedV1Schema = z.strictObject({
  type: z.literal('webhook.received'),
  version: z.literal(1),
  ...trace,
  event_type: NonEmptyString,
  received_at: z.iso.datetime(),
  /** Sender metadata worth keeping (e.g. Shopify topic, shop domain, API version). */
  meta: z.record(z.string(), z.string()),
  payload: z.unknown(),
});
export type WebhookReceivedV1 = z.infer<typeof WebhookReceivedV1Schema>;

export const ProfileIdentifiersSchema = z
  .strictObject({
    email: z.optional(NonEmptyString),
    phone_number: z.optional(NonEmptyString),
    external_id: z.optional(NonEmptyString),
  })
  .check(
    z.refine((p) => p.email ?? p.phone_number ?? p.external_id, {
      message: 'a profile needs at least one of email, phone_number, external_id',
    }),
  );
export type ProfileIdentifiers = z.infer<typeof ProfileIdentifiersSchema>;

/** hydrate → deliver: one Klaviyo event, ready to send. */
export const KlaviyoEventV1Schema = z.strictObject({
  type: z.literal('klaviyo.event'),
  version: z.literal(1),
  ...trace,
  metric: z.string().check(z.minLength(1), z.maxLength(128)),
  profile: ProfileIdentifiersSchema,
  properties: FlatPropertiesSchema,
  time: z.iso.datetime(),
  value: z.optional(z.number()),
  /** Deterministic: the same source event always yields the same id, so Klaviyo keeps one. */
  unique_id: z.string().check(z.minLength(1), z.maxLength(255)),
  /** Replays set this so old events do not trigger flows. */
  backfill: z._default(z.boolean(), false),
});
export type KlaviyoEventV1 = z.infer<typeof KlaviyoEventV1Schema>;

/** A profile attribute's new value: `null` clears it at Klaviyo; an absent key leaves it unchanged. */
const ClearableString = z.optional(z.nullable(z.string().check(z.maxLength(100 * 1024))));
const ProfilePropertyValueSchema = z.nullable(z.union([JsonScalarSchema, z.array(JsonScalarSchema)]));

/**
 * hydrate → deliver: one profile upsert (Klaviyo's profile import). Found by its identifiers; every attribute
 * present is set (or cleared when `null`), every absent one is kept. Replaying it is harmless: an upsert of the
 * same values changes nothing.
 */
export const KlaviyoProfileUpsertV1Schema = z.strictObject({
  type: z.literal('klaviyo.profile-upsert'),
  version: z.literal(1),
  ...trace,
  profile: ProfileIdentifiersSchema,
  attributes: z._default(
    z.strictObject({
      first_name: ClearableString,
      last_name: ClearableString,
      organization: ClearableString,
      locale: ClearableString,
      title: ClearableString,
      image: ClearableString,
    }),
    {},
  ),
  /** Location fields to set or clear; `null` clears the whole location. */
  location: z.optional(
    z.nullable(
      z.strictObject({
        address1: ClearableString,
        address2: ClearableString,
        city: ClearableString,
        country: ClearableString,
        latitude: z.optional(z.nullable(z.union([z.string(), z.number()]))),
        longitude: z.optional(z.nullable(z.union([z.string(), z.number()]))),
        region: ClearableString,
        zip: ClearableString,
        timezone: ClearableString,
        ip: ClearableString,
      }),
    ),
  ),
  /** Custom properties to set (or clear with `null`), merged key by key into the profile's. */
  properties: z.optional(z.record(NonEmptyString, ProfilePropertyValueSchema)),
});
export type KlaviyoProfileUpsertV1 = z.infer<typeof KlaviyoProfileUpsertV1Schema>;

export const DeliverMessageSchema = z.discriminatedUnion('type', [
  KlaviyoEventV1Schema,
  KlaviyoProfileUpsertV1Schema,
]);
export type DeliverMessage = z.infer<typeof DeliverMessageSchema>;

/** Attached to what a stage sends to its DLQ itself, so a person can see why without digging in logs. */
export const DeadLetterV1Schema = z.strictObject({
  type: z.literal('dead-letter'),
  version: z.literal(1),
  stage: z.enum(['hydrate', 'deliver']),
  reason: NonEmptyString,
  detail: z.optional(z.unknown()),
  failed_at: z.iso.datetime(),
  /** Failed receives, counting those before deferrals (absent on letters written before it was added). */
  attempts: z.optional(z.int().check(z.positive())),
  /** The error of the last failed receive, when the receives ran out (`reason: retries_exhausted`). */
  last_error: z.optional(z.strictObject({ reason: NonEmptyString, message: z.string() })),
  original: z.string(),
});
export type DeadLetterV1 = z.infer<typeof DeadLetterV1Schema>;

/**
 * Every event the relay writes carries this property (value: the source name). Klaviyo's webhooks can
 * send those events back to the relay; hydrate drops them instead of writing them again, which would loop.
 */
export const RELAY_SOURCE_PROPERTY = 'relay_source';
