// A mapping's consent writes (`mapping.subscriptions`, `mapping.unsubscriptions`): each entry, for the event types
// it names and when its condition holds, subscribes or unsubscribes the webhook's profile on one channel (marketing
// email or SMS), optionally in a list (./klaviyo-lists.ts). Consent is state: each write carries its version
// (`as_of`, or `sequence`), and deliver writes only forward. Entries have ids, so a source's own entry overrides its
// preset's (presets/merge.ts).
import * as z from '../zod.ts';
import { memo } from '../zod.ts';
import { listReferenceSchema } from './klaviyo-lists.ts';
import { identifierOverridesSchema } from './mapping-profile.ts';
import { valueSpecSchema } from './value-spec.ts';

/** Entries in `subscriptions`, and in `unsubscriptions`: one per channel and topic is plenty. */
export const MAX_CONSENT_SPECS = 10;

const consentFields = memo(() => ({
  /** Names the entry, so that a source's entry replaces its preset's entry of the same id. */
  id: z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lower_snake_case')),
  /** The event types (topics) this entry is for; unset: every one. Another type is not a skip. */
  event_types: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
  /**
   * The entry writes only when this is true (truthy), e.g. the record's consent state is `subscribed`. Like another
   * event type, a false one is not a skip (nothing is logged or counted): most webhooks match one state of several.
   */
  when: z
    .optional(valueSpecSchema())
    .check(z.describe('The entry writes only when this is true (truthy), e.g. a consent state.')),
  /** `email` (marketing email, by the profile's email) or `sms` (marketing SMS, by its E.164 phone number). */
  channel: z
    .enum(['email', 'sms'])
    .check(z.describe('email (by the email address) or sms (by the E.164 phone number).')),
  /** Identifiers read for this entry instead of the mapping's `profile` (each one set replaces that one). */
  profile: z
    .optional(identifierOverridesSchema())
    .check(z.describe("Identifiers for this entry instead of the mapping's profile, one by one.")),
  /**
   * The version of the consent state written (the record's `consent_updated_at`): an older write than one already
   * made for the profile and channel is skipped. Default: when the relay received the webhook.
   */
  as_of: z
    .optional(valueSpecSchema())
    .check(
      z.describe(
        "The consent state's version (e.g. consent_updated_at); default when the webhook was received.",
      ),
    ),
  /**
   * The version as a sequence number the source counts up (a non-negative integer), instead of a time: deliver
   * orders the writes by it, against the same source's sequences only. Not one: the write is skipped with the reason.
   */
  sequence: z
    .optional(valueSpecSchema())
    .check(
      z.describe(
        "The consent state's version as a sequence number (a non-negative integer); when set, it orders instead of as_of.",
      ),
    ),
}));

/** One subscription a webhook may write (`mapping.subscriptions`). */
export const subscriptionSpecSchema = memo(() =>
  z.strictObject({
    ...consentFields(),
    /** A name from `klaviyo.lists` or a list id; default the mapping's `list`, else none (the account's opt-in). */
    list: z
      .optional(listReferenceSchema())
      .check(z.describe("A name from klaviyo.lists or a list id; default the mapping's list.")),
    /**
     * When consent was given, from the record. When it gives a time, the subscription is a historical import
     * (no double opt-in, no "added to list" flows); it must be in the past.
     */
    consented_at: z
      .optional(valueSpecSchema())
      .check(z.describe('When consent was given; when it gives a time, the write is a historical import.')),
  }),
);
export type SubscriptionSpec = z.infer<ReturnType<typeof subscriptionSpecSchema>>;

/** One unsubscription a webhook may write (`mapping.unsubscriptions`). */
export const unsubscriptionSpecSchema = memo(() =>
  z.strictObject({
    ...consentFields(),
    /**
     * A name from `klaviyo.lists` or a list id to unsubscribe from; default none: the channel's marketing consent
     * is withdrawn (Klaviyo unsubscribes globally a profile that is not in the list named, too).
     */
    list: z
      .optional(listReferenceSchema())
      .check(z.describe('A list to unsubscribe from; default none (the whole channel).')),
  }),
);
export type UnsubscriptionSpec = z.infer<ReturnType<typeof unsubscriptionSpecSchema>>;
export type ConsentSpec = SubscriptionSpec | UnsubscriptionSpec;

/** `subscriptions` or `unsubscriptions`: 1 to MAX_CONSENT_SPECS entries with distinct ids. */
export function consentListSchema<S extends z.ZodMiniType<{ id: string }>>(entry: S) {
  return z.array(entry).check(
    z.minLength(1),
    z.maxLength(MAX_CONSENT_SPECS),
    z.superRefine((entries, ctx) => {
      const ids = entries.map((spec) => spec.id);
      ids.forEach((id, index) => {
        if (ids.indexOf(id) !== index)
          ctx.issues.push({
            code: 'custom',
            message: `entry ${index} has the id "${id}" of an earlier entry (ids name entries for presets to merge)`,
            input: id,
            path: [index, 'id'],
          });
      });
    }),
  );
}
