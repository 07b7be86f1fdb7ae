// hydrate → deliver: the profile state writes, the profile upsert and marketing consent. State: deliver writes
// the newest per profile, by `as_of` or the mapping's sequence number (docs/adr/0026-replay-and-state-writes.md,
// docs/adr/0030-consent-as-state.md).
import * as z from '../../zod.ts';
import { memo } from '../../zod.ts';
import { jsonScalarSchema, nonEmptyString, profileIdentifiersSchema, trace } from './fields.ts';

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
