// Who a mapping's writes are about and what its profile upsert sets: the profile identifiers (read in order, the
// first value found wins), the upsert's version (`as_of`, a time, or `sequence`, a number the source counts up), and the profile attributes a mapping may set. The
// mapping (./mapping.ts) and its consent entries (./mapping-consent.ts) share them.
import * as z from '../zod.ts';
import { memo } from '../zod.ts';
import { valueSpecSchema } from './value-spec.ts';

/** Profile attributes a mapping may set; the names are Klaviyo's (profile import, `ProfileUpsertQuery`). */
export const PROFILE_STANDARD_ATTRIBUTES = [
  'first_name',
  'last_name',
  'organization',
  'locale',
  'title',
  'image',
] as const;
export const PROFILE_LOCATION_FIELDS = [
  'address1',
  'address2',
  'city',
  'country',
  'latitude',
  'longitude',
  'region',
  'zip',
  'timezone',
  'ip',
] as const;

/** A key of `profile_attributes`: a standard attribute, `location.<field>` or `properties.<name>`. */
export const profileAttributeKeySchema = memo(() =>
  z
    .string()
    .check(
      z.regex(
        new RegExp(
          `^(${PROFILE_STANDARD_ATTRIBUTES.join('|')}|location\\.(${PROFILE_LOCATION_FIELDS.join('|')})|properties\\.[^.\\s][^.]{0,99})$`,
        ),
        'a profile attribute: first_name, last_name, organization, locale, title, image, location.<field> or properties.<name>',
      ),
    ),
);

/** Where one identifier is read: paths or expressions, in order; the first that gives a value wins. */
const identifierSpecsSchema = memo(() => z.array(valueSpecSchema()));

/**
 * `mapping.profile`: dot paths or expressions over the context (`event`, `meta`, each hydration step) for the
 * profile identifiers, and the version of the profile upsert (`as_of` or `sequence`).
 */
export const profileSpecsSchema = memo(() =>
  z.prefault(
    z.strictObject({
      /**
       * Klaviyo's own profile id, sent as the profile's `data.id` (never as an attribute). Default, for the
       * senders that are Klaviyo (kinds `klaviyo` and `klaviyo-flow`) only: where Klaviyo's system webhooks
       * (a Get Event document) name the profile, `event.data.relationships.profile.data.id`; for every other
       * kind none, since another app's JSON:API webhook names its own user there, not a Klaviyo profile. A
       * Klaviyo id is valid only in the account that made it: when the relay writes to another Klaviyo account
       * than the one sending the webhooks, set `id: []` and map an identifier both accounts know. Like the
       * others, it is sent with every other identifier found.
       */
      id: z.optional(identifierSpecsSchema()),
      email: z._default(identifierSpecsSchema(), ['event.email', 'event.customer.email', 'customer.email']),
      phone_number: z._default(identifierSpecsSchema(), ['event.phone', 'customer.phone']),
      external_id: z._default(identifierSpecsSchema(), []),
      /**
       * The version of the state the profile upsert writes (the record's `updated_at`):
       * deliver skips an upsert older than one it already wrote for the profile. Default: when the relay received
       * the webhook.
       */
      as_of: z
        .optional(valueSpecSchema())
        .check(
          z.describe(
            "The profile upsert's version (e.g. the record's updated_at); default when the relay received the webhook.",
          ),
        ),
      /**
       * The version as a sequence number the source counts up with each change (a non-negative integer, or its
       * digits as text), instead of a time: deliver then orders the upserts by it, against the same source's
       * sequences only. A value that is not one is a mapping problem: the upsert is skipped with the reason.
       */
      sequence: z
        .optional(valueSpecSchema())
        .check(
          z.describe(
            "The profile upsert's version as a sequence number (a non-negative integer); when set, it orders instead of as_of.",
          ),
        ),
    }),
    {},
  ),
);

/** A consent entry's own identifiers: each one set here replaces the mapping's (`mapping.profile`). */
export const identifierOverridesSchema = memo(() =>
  z.strictObject({
    id: z.optional(identifierSpecsSchema()),
    email: z.optional(identifierSpecsSchema()),
    phone_number: z.optional(identifierSpecsSchema()),
    external_id: z.optional(identifierSpecsSchema()),
  }),
);
