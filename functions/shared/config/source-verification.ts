// How a source's webhooks are verified and read before anything else: where a value is in the request (the
// event type, the delivery id), how far a signed timestamp may stray, which header carries a credential, and a
// generic HMAC signature described field by field. The source schema (./source-schema.ts) composes these per
// sender kind; ingest applies them (functions/ingest/sources/).
import * as z from '../zod.ts';
import { memo } from '../zod.ts';
import { intBetween, nonEmptyString } from './schema-shorthands.ts';

/** A value read from the request: a header, a dot path into the JSON body, or a constant. */
export const valueSourceSchema = memo(() =>
  z.union([
    z.strictObject({ header: z.string().check(z.minLength(1), z.toLowerCase()) }),
    z.strictObject({ path: nonEmptyString() }),
    z.strictObject({ value: nonEmptyString() }),
  ]),
);
export type ValueSource = z.infer<ReturnType<typeof valueSourceSchema>>;

/** Where the sender's delivery id is; default: a SHA-256 of the raw body. */
export const deliveryIdSchema = memo(() =>
  z
    .optional(valueSourceSchema())
    .check(z.describe("Where the sender's delivery id is; default a SHA-256 of the raw body.")),
);

/** Stripe's and Standard Webhooks' published tolerance; also our default where a sender publishes none. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** How far a signed timestamp may be from our clock, either way, before the request counts as a replay. */
export const toleranceSchema = memo(() =>
  z
    ._default(intBetween(1, 86_400), DEFAULT_TOLERANCE_SECONDS)
    .check(
      z.describe(
        'How far (s) a signed timestamp may be from our clock before the request counts as a replay.',
      ),
    ),
);

/** An HTTP header name, lowercased (Node gives headers so). */
export const headerNameSchema = memo(() =>
  z.string().check(z.regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'an HTTP header name'), z.toLowerCase()),
);

/** A generic HMAC signature: which header, hash and encoding, and what exactly is signed. */
export const hmacSignatureSchema = memo(() =>
  z
    .strictObject({
      header: headerNameSchema().check(z.describe('Header holding the signature.')),
      algorithm: z._default(z.enum(['sha1', 'sha256', 'sha512']), 'sha256').check(z.describe('HMAC hash.')),
      encoding: z._default(z.enum(['hex', 'base64']), 'hex').check(z.describe("The digest's encoding.")),
      /** Text before the digest in the header, e.g. `sha256=` (GitHub style). */
      prefix: z
        ._default(z.string(), '')
        .check(z.describe('Text before the digest in the header, e.g. sha256=.')),
      /**
       * Header holding the signed timestamp (Unix seconds, Unix milliseconds or ISO 8601); signed_content must
       * then include `{timestamp}`.
       */
      timestamp_header: z
        .optional(headerNameSchema())
        .check(
          z.describe('Header holding the signed timestamp; signed_content must then include {timestamp}.'),
        ),
      /** What is signed: `{body}` is the raw body, `{timestamp}` the timestamp header's value. */
      signed_content: z
        ._default(
          z
            .string()
            .check(z.refine((t) => t.split('{body}').length === 2, 'must contain {body} exactly once')),
          '{body}',
        )
        .check(z.describe('What is signed: {body} is the raw body, {timestamp} the timestamp header.')),
      tolerance_seconds: toleranceSchema(),
    })
    .check(
      z.refine((s) => !s.signed_content.includes('{timestamp}') || s.timestamp_header, {
        message: 'signed_content uses {timestamp}, so timestamp_header is required',
        path: ['timestamp_header'],
      }),
      // An unsigned timestamp would be checked against the tolerance but could be rewritten by anyone
      // replaying a captured request: a timestamp header is only meaningful when it is signed.
      z.refine((s) => !s.timestamp_header || s.signed_content.includes('{timestamp}'), {
        message:
          'timestamp_header is set, so signed_content must include {timestamp} (e.g. "{timestamp}.{body}")',
        path: ['signed_content'],
      }),
    ),
);
