// What the stage messages share: the trace fields (in every log line of every stage), the scalar schemas, and
// who a message is about (the profile identifiers). Each schema is built on first use (memo, in ../../zod.ts).
import * as z from '../../zod.ts';
import { memo } from '../../zod.ts';

export const nonEmptyString = memo(() => z.string().check(z.minLength(1)));

export const jsonScalarSchema = memo(() => z.union([z.string(), z.number(), z.boolean()]));
/** What Klaviyo can segment on: top-level scalars, or lists of scalars. */
export const flatPropertiesSchema = memo(() =>
  z.record(z.string(), z.union([jsonScalarSchema(), z.array(jsonScalarSchema())])),
);
export type FlatProperties = z.infer<ReturnType<typeof flatPropertiesSchema>>;

/** The trace fields every stage message carries. */
export const trace = memo(() => ({
  /** `<source>:<delivery id>`: in every log line of every stage. */
  correlation_id: nonEmptyString(),
  source: nonEmptyString(),
  delivery_id: z.string().check(z.minLength(1), z.maxLength(512)),
}));

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
