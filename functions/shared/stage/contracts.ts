// Versioned messages between the stages. Every producer builds them through these schemas and every
// consumer validates them with the same schemas, so a change of shape is a change of version. Each schema is
// built on first use (memo, in ../zod.ts), so a stage builds only the messages it produces or consumes.
// Over 250 lines: one file on purpose: the messages share the trace fields and scalar schemas, and a change of
// one message's shape is read and versioned beside all the others.
import * as z from '../zod.ts';
import { memo } from '../zod.ts';

const nonEmptyString = memo(() => z.string().check(z.minLength(1)));

const jsonScalarSchema = memo(() => z.union([z.string(), z.number(), z.boolean()]));
/** What Klaviyo can segment on: top-level scalars, or lists of scalars. */
export const flatPropertiesSchema = memo(() =>
  z.record(z.string(), z.union([jsonScalarSchema(), z.array(jsonScalarSchema())])),
);
export type FlatProperties = z.infer<ReturnType<typeof flatPropertiesSchema>>;

const trace = memo(() => ({
  /** `<source>:<delivery id>`: in every log line of every stage. */
  correlation_id: nonEmptyString(),
  source: nonEmptyString(),
  delivery_id: z.string().check(z.minLength(1), z.maxLength(512)),
}));

/** ingest → hydrate: one verified, deduplicated webhook event. */
export const webhookReceivedV1Schema = memo(() =>
  z.strictObject({
    type: z.literal('webhook.received'),
    version: z.literal(1),
    ...trace(),
    event_type: nonEmptyString(),
    received_at: z.iso.datetime(),
    /** Sender metadata worth keeping (e.g. Shopify topic, shop domain, API version). */
    meta: z.record(z.string(), z.string()),
    payload: z.unknown(),
    /**
     * Set by `relay replay` (from the archive): every event is sent with Klaviyo's `backfill` flag, so flows do
     * not fire again for what happened before. Absent on webhooks as received.
     */
    backfill: z.optional(z.boolean()),
    /**
     * Set by `relay replay`: this is a replayed copy of an archived webhook. Hydrate does not archive it again, and
     * sends its profile writes only with `profiles: true` (`--with-profiles`); deliver then still skips any that
     * is older than what the relay already wrote (docs/adr/0026-replay-and-state-writes.md).
     */
    replay: z.optional(z.strictObject({ profiles: z.boolean() })),
  }),
);
export type WebhookReceivedV1 = z.infer<ReturnType<typeof webhookReceivedV1Schema>>;

/**
 * Who an event or upsert is about. `id` is Klaviyo's own profile id (what Klaviyo's system webhooks name the
 * profile by): deliver sends it as the profile resource's `data.id`, the others as its attributes.
 */
export const profileIdentifiersSchema = memo(() =>
  z
    .strictObject({
      id: z.optional(nonEmptyString()),
      email: z.optional(nonEmptyString()),
      phone_number: z.optional(nonEmptyString()),
      external_id: z.optional(nonEmptyString()),
    })
    .check(
      z.refine((p) => p.id ?? p.email ?? p.phone_number ?? p.external_id, {
        message: 'a profile needs at least one of id, email, phone_number, external_id',
      }),
    ),
);
export type ProfileIdentifiers = z.infer<ReturnType<typeof profileIdentifiersSchema>>;

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
 * A state write's sequence number, when its mapping versions it by one (`sequence`) rather than by a time: a
 * non-negative integer as decimal digits (no leading zero), so one past 2^53 stays exact; at most 38 digits, what a
 * DynamoDB number holds, so deliver's state store compares them exactly.
 */
export const stateSequenceSchema = memo(() =>
  z
    .string()
    .check(z.regex(/^(0|[1-9][0-9]{0,37})$/, 'a non-negative integer in decimal digits (at most 38)')),
);

/**
 * hydrate → deliver: one profile upsert (Klaviyo's profile import). Found by its identifiers; every attribute
 * present is set (or cleared when `null`), every absent one is kept. Replaying it is harmless: an upsert of the
 * same values changes nothing.
 */
export const klaviyoProfileUpsertV1Schema = memo(() => {
  /** A profile attribute's new value: `null` clears it at Klaviyo; an absent key leaves it unchanged. */
  const clearableString = z.optional(z.nullable(z.string().check(z.maxLength(100 * 1024))));
  const propertyValue = z.nullable(z.union([jsonScalarSchema(), z.array(jsonScalarSchema())]));

  return z.strictObject({
    type: z.literal('klaviyo.profile-upsert'),
    version: z.literal(1),
    ...trace(),
    profile: profileIdentifiersSchema(),
    attributes: z._default(
      z.strictObject({
        first_name: clearableString,
        last_name: clearableString,
        organization: clearableString,
        locale: clearableString,
        title: clearableString,
        image: clearableString,
      }),
      {},
    ),
    /** Location fields to set or clear; `null` clears the whole location. */
    location: z.optional(
      z.nullable(
        z.strictObject({
          address1: clearableString,
          address2: clearableString,
          city: clearableString,
          country: clearableString,
          latitude: z.optional(z.nullable(z.union([z.string(), z.number()]))),
          longitude: z.optional(z.nullable(z.union([z.string(), z.number()]))),
          region: clearableString,
          zip: clearableString,
          timezone: clearableString,
          ip: clearableString,
        }),
      ),
    ),
    /** Custom properties to set (or clear with `null`), merged key by key into the profile's. */
    properties: z.optional(z.record(nonEmptyString(), propertyValue)),
    /**
     * When the state this write describes held (the webhook's `received_at`). Deliver skips the write when the
     * relay has already written newer state for one of the profile's identifiers (a replay, a late retry).
     * Absent on messages written before it was added: those are written as they come.
     */
    as_of: z.optional(z.iso.datetime()),
    /**
     * The state's sequence number, when the mapping versions it by one: deliver then orders the write by it (against
     * the same source's sequences for the profile), not by `as_of`.
     */
    sequence: z.optional(stateSequenceSchema()),
  });
});
export type KlaviyoProfileUpsertV1 = z.infer<ReturnType<typeof klaviyoProfileUpsertV1Schema>>;

/** The consent channels the relay writes: marketing email and marketing SMS (Klaviyo's `email.marketing`, `sms.marketing`). */
export const CONSENT_CHANNELS = ['email', 'sms'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

/**
 * hydrate → deliver: one profile's marketing consent on one channel (Klaviyo's Bulk Subscribe or Bulk Unsubscribe
 * Profiles; deliver gathers a batch's consent into jobs). State, like the profile upsert: the newest wins, by
 * `as_of`, per profile and channel. The profile is named by the channel's own identifier (an email address, or an
 * E.164 phone number), which hydrate checks.
 */
export const klaviyoConsentV1Schema = memo(() =>
  z
    .strictObject({
      type: z.literal('klaviyo.consent'),
      version: z.literal(1),
      ...trace(),
      channel: z.enum(CONSENT_CHANNELS),
      consent: z.enum(['subscribed', 'unsubscribed']),
      profile: profileIdentifiersSchema(),
      /** Klaviyo list id: subscribe into it, or unsubscribe from it (a profile not in it is unsubscribed globally). */
      list_id: z.optional(nonEmptyString()),
      /**
       * When consent was given, as the source recorded it: sent with `historical_import`, which skips double opt-in
       * and the list's "added" flows (Klaviyo refuses `consented_at` otherwise, and one in the future).
       */
      consented_at: z.optional(z.iso.datetime()),
      /** When the consent state this write describes held (the source's `consent_updated_at`, or `received_at`). */
      as_of: z.iso.datetime(),
      /** The consent state's sequence number, when the mapping versions it by one: deliver orders by it, not `as_of`. */
      sequence: z.optional(stateSequenceSchema()),
    })
    .check(
      z.refine((m) => (m.channel === 'email' ? m.profile.email : m.profile.phone_number) !== undefined, {
        message: 'a consent write names the profile by its channel: email for email, phone_number for sms',
      }),
      z.refine((m) => m.consent === 'subscribed' || m.consented_at === undefined, {
        message: 'consented_at goes with a subscription only',
      }),
    ),
);
export type KlaviyoConsentV1 = z.infer<ReturnType<typeof klaviyoConsentV1Schema>>;

/** The catalog entities the relay keeps in sync (Klaviyo's `$custom` catalog: items, their variants, categories). */
export const CATALOG_ENTITIES = ['item', 'variant', 'category'] as const;
export type CatalogEntity = (typeof CATALOG_ENTITIES)[number];

/** What each entity's upsert must carry: the attributes Klaviyo's create job requires (the upsert may create). */
const CATALOG_REQUIRED: Record<CatalogEntity, readonly string[]> = {
  item: ['title', 'description', 'url'],
  variant: ['item', 'title', 'description', 'sku', 'inventory_quantity', 'price', 'url'],
  category: ['name'],
};
/** The fields each entity takes (Klaviyo's create and update attributes, and its relationships by external id). */
export const CATALOG_FIELDS: Record<CatalogEntity, readonly string[]> = {
  item: [
    'title',
    'description',
    'url',
    'price',
    'image_full_url',
    'image_thumbnail_url',
    'images',
    'custom_metadata',
    'published',
    'categories',
  ],
  variant: [
    'item',
    'title',
    'description',
    'sku',
    'inventory_quantity',
    'inventory_policy',
    'price',
    'url',
    'image_full_url',
    'image_thumbnail_url',
    'images',
    'custom_metadata',
    'published',
  ],
  category: ['name', 'items'],
};

/**
 * hydrate → deliver: one catalog row (Klaviyo's bulk catalog jobs; deliver gathers a batch's rows into jobs).
 * `upsert` updates the entity or creates it when Klaviyo has none; `delete` removes it. State, like the profile
 * upsert: per entity the newest write by `as_of` wins (docs/adr/0033-catalog-sync.md). External ids only: deliver
 * builds Klaviyo's `$custom:::$default:::<external id>`.
 */
export const klaviyoCatalogV1Schema = memo(() => {
  const externalId = z.string().check(z.minLength(1), z.maxLength(255));
  const url = z.string().check(z.minLength(1), z.maxLength(2048));
  return z
    .strictObject({
      type: z.literal('klaviyo.catalog'),
      version: z.literal(1),
      ...trace(),
      entity: z.enum(CATALOG_ENTITIES),
      operation: z.enum(['upsert', 'delete']),
      external_id: externalId,
      /** The entity's attributes (an upsert's; a delete has none). Absent fields are left as Klaviyo holds them. */
      fields: z.optional(
        z.strictObject({
          title: z.optional(z.string()),
          description: z.optional(z.string()),
          url: z.optional(url),
          price: z.optional(z.number()),
          image_full_url: z.optional(url),
          image_thumbnail_url: z.optional(url),
          images: z.optional(z.array(url)),
          /** Klaviyo's flat JSON blob (at most 100 KB). */
          custom_metadata: z.optional(flatPropertiesSchema()),
          published: z.optional(z.boolean()),
          /** A variant's SKU and stock. */
          sku: z.optional(z.string()),
          inventory_quantity: z.optional(z.number()),
          /** Klaviyo's codes: 1 hides the variant from recommendation feeds when out of stock; 0 or 2 never. */
          inventory_policy: z.optional(z.union([z.literal(0), z.literal(1), z.literal(2)])),
          /** A category's name. */
          name: z.optional(z.string()),
          /** An item's categories, by external id. */
          categories: z.optional(z.array(externalId)),
          /** A variant's item, by external id. */
          item: z.optional(externalId),
          /** A category's items, by external id. */
          items: z.optional(z.array(externalId)),
        }),
      ),
      /** The version of the state this write describes (the product's `updated_at`, else `received_at`). */
      as_of: z.iso.datetime(),
    })
    .check(
      z.refine((m) => m.operation === 'upsert' || m.fields === undefined, {
        message: 'a catalog delete carries no fields',
      }),
      z.refine((m) => Object.keys(m.fields ?? {}).every((name) => CATALOG_FIELDS[m.entity].includes(name)), {
        message: 'a catalog field that the entity does not take',
      }),
      z.refine(
        (m) =>
          m.operation === 'delete' ||
          CATALOG_REQUIRED[m.entity].every(
            (name) => (m.fields as Record<string, unknown>)?.[name] !== undefined,
          ),
        { message: 'a catalog upsert needs what Klaviyo requires to create the entity' },
      ),
    );
});
export type KlaviyoCatalogV1 = z.infer<ReturnType<typeof klaviyoCatalogV1Schema>>;
/** Klaviyo's limit on one data source record, in UTF-8 bytes of its JSON (Bulk Create Data Source Records). */
export const MAX_RECORD_BYTES = 512 * 1024;

/**
 * hydrate → deliver: one custom-object record for a data source (Klaviyo's Bulk Create Data Source Records, or
 * Create Data Source Record when it waits alone; deliver gathers a batch's records into jobs). `record_id` names the
 * record: deliver sends it as the record's `id`, the field the custom object is keyed by, so a redelivered record
 * updates the same record rather than adding one (docs/adr/0034-custom-object-records.md).
 */
export const klaviyoRecordV1Schema = memo(() =>
  z
    .strictObject({
      type: z.literal('klaviyo.record'),
      version: z.literal(1),
      ...trace(),
      /** The data source's id in the Klaviyo account (`relay data-source create` prints it). */
      data_source_id: z.string().check(z.minLength(1), z.maxLength(64)),
      record_id: z.string().check(z.minLength(1), z.maxLength(255)),
      record: z.record(z.string(), z.json()),
    })
    .check(
      z.refine((m) => m.record.id === undefined || m.record.id === m.record_id, {
        message: "a record's own id, when it has one, is its record_id",
      }),
      z.refine((m) => Buffer.byteLength(JSON.stringify(m.record)) <= MAX_RECORD_BYTES, {
        message: `a record is at most ${MAX_RECORD_BYTES} bytes of JSON (Klaviyo's 512 KB)`,
      }),
    ),
);
export type KlaviyoRecordV1 = z.infer<ReturnType<typeof klaviyoRecordV1Schema>>;

/** The channels a back-in-stock subscription names (Klaviyo's `EMAIL`, `SMS`). */
export const BACK_IN_STOCK_CHANNELS = ['EMAIL', 'SMS'] as const;

/**
 * hydrate → deliver: one profile's back-in-stock subscription to one catalog variant (Klaviyo's Create Back In
 * Stock Subscription), on email and/or SMS. The variant is named by its external id, as the catalog sync wrote it
 * (`$custom:::$default:::<variant_external_id>`). Subscribing again to the same variant is harmless.
 */
export const klaviyoBackInStockV1Schema = memo(() =>
  z
    .strictObject({
      type: z.literal('klaviyo.back-in-stock'),
      version: z.literal(1),
      ...trace(),
      profile: profileIdentifiersSchema(),
      variant_external_id: z.string().check(z.minLength(1), z.maxLength(255)),
      channels: z.array(z.enum(BACK_IN_STOCK_CHANNELS)).check(z.minLength(1), z.maxLength(2)),
    })
    .check(
      z.refine((m) => new Set(m.channels).size === m.channels.length, {
        message: 'each channel at most once',
      }),
    ),
);
export type KlaviyoBackInStockV1 = z.infer<ReturnType<typeof klaviyoBackInStockV1Schema>>;

export const deliverMessageSchema = memo(() =>
  z.discriminatedUnion('type', [
    klaviyoEventSchema(),
    klaviyoProfileUpsertV1Schema(),
    klaviyoConsentV1Schema(),
    klaviyoCatalogV1Schema(),
    klaviyoRecordV1Schema(),
    klaviyoBackInStockV1Schema(),
  ]),
);
export type DeliverMessage = z.infer<ReturnType<typeof deliverMessageSchema>>;

/**
 * Stands in a queue for a body larger than the queue holds (MAX_MESSAGE_BYTES): the body (any message above, or a
 * dead letter) is the S3 object the reference names, `bytes` long (UTF-8). claim-check.ts.
 */
export const claimCheckV1Schema = memo(() =>
  z.strictObject({
    type: z.literal('claim-check'),
    version: z.literal(1),
    correlation_id: nonEmptyString(),
    claim_check: z.strictObject({
      bucket: nonEmptyString(),
      key: z.string().check(z.minLength(1), z.maxLength(1024)),
      bytes: z.int().check(z.positive()),
    }),
  }),
);
export type ClaimCheckV1 = z.infer<ReturnType<typeof claimCheckV1Schema>>;

/** Attached to what a stage sends to its DLQ itself, so a person can see why without digging in logs. */
export const deadLetterV1Schema = memo(() =>
  z.strictObject({
    type: z.literal('dead-letter'),
    version: z.literal(1),
    stage: z.enum(['hydrate', 'deliver']),
    reason: nonEmptyString(),
    detail: z.optional(z.unknown()),
    failed_at: z.iso.datetime(),
    /** Failed receives, counting those before deferrals (absent on letters written before it was added). */
    attempts: z.optional(z.int().check(z.positive())),
    /** The error of the last failed receive, when the receives ran out (`reason: retries_exhausted`). */
    last_error: z.optional(z.strictObject({ reason: nonEmptyString(), message: z.string() })),
    original: z.string(),
  }),
);
export type DeadLetterV1 = z.infer<ReturnType<typeof deadLetterV1Schema>>;

/**
 * Every event the relay writes carries this property (value: the source name). Klaviyo's webhooks can
 * send those events back to the relay; hydrate drops them instead of writing them again, which would loop.
 */
export const RELAY_SOURCE_PROPERTY = 'relay_source';
