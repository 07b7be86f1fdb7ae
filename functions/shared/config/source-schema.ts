// A source of the configuration document: its sender kind (one member each, discriminated by `kind`), secret
// references, optional preset, how its webhooks are verified (./source-verification.ts), and the parts only
// hydrate reads — its `hydration` and `mapping` — given by the caller, so that the one schema serves both shapes
// of the document: resolved (./relay-config.ts) and opaque (./opaque-relay-config.ts;
// docs/adr/0021-opaque-source-parts-in-ingest-and-deliver.md). Adding a sender kind: its name in
// ./source-kinds.ts, its member here, its adapter in functions/ingest/sources/.
import * as z from '../zod.ts';
import { PRESET_NAMES } from './preset-names.ts';
import { intBetween } from './schema-shorthands.ts';
import { secretRefSchema } from './secret-refs.ts';
import {
  deliveryIdSchema,
  headerNameSchema,
  hmacSignatureSchema,
  toleranceSchema,
  valueSourceSchema,
} from './source-verification.ts';

/** Largest body a source may raise its own limit to: Lambda carries 6 MB per synchronous invocation. */
export const MAX_SOURCE_BODY_BYTES = 5 * 1024 * 1024;
/** Klaviyo sends up to 1,000 events in one request; each becomes its own message, so the body may exceed SQS's 1 MiB. */
export const DEFAULT_KLAVIYO_BODY_BYTES = MAX_SOURCE_BODY_BYTES;

/**
 * The parts of a source only hydrate reads: how its API is called (`hydration`, ./hydration.ts) and how a
 * webhook becomes Klaviyo events and a profile (`mapping`, ./mapping.ts). Either validated in full
 * (./relay-config.ts: resolvedSourceParts) or opaque (./opaque-relay-config.ts: opaqueSourceParts).
 */
export interface SourceParts<
  H extends z.ZodMiniType = z.ZodMiniType,
  M extends z.ZodMiniType = z.ZodMiniType,
> {
  hydration: H;
  mapping: M;
}

/** One member per sender kind, discriminated by `kind`, with the given hydration and mapping parts. */
export function sourceSchemaWith<H extends z.ZodMiniType, M extends z.ZodMiniType>(parts: SourceParts<H, M>) {
  const bodyBytes = intBetween(1_024, MAX_SOURCE_BODY_BYTES);
  const common = {
    /**
     * The preset the source's hydration and mapping start from, resolved before this schema: in full by
     * ./presets/resolve.ts, its kind alone by ./preset-names.ts.
     */
    preset: z
      .optional(z.enum(PRESET_NAMES))
      .check(
        z.describe(
          "A preset whose hydration and mapping the source's own settings override, field by field.",
        ),
      ),
    secrets: z
      .array(secretRefSchema())
      .check(
        z.minLength(1),
        z.maxLength(5),
        z.describe('References to the shared secrets (1 to 5; several allow rotation without downtime).'),
      ),
    /** Event type (becomes the metric unless mapped); e.g. `{ "header": "x-event-type" }`. */
    event_type: z
      .optional(valueSourceSchema())
      .check(z.describe("Where the event type is (a header, a dot path or a value), over the kind's own.")),
    /** This source's body limit; default `ingest.max_body_bytes` (Klaviyo system webhooks: 5 MiB). */
    max_body_bytes: z
      .optional(bodyBytes)
      .check(z.describe("This source's body limit (bytes); default ingest.max_body_bytes.")),
    hydration: parts.hydration,
    mapping: parts.mapping,
  };

  return z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('shopify'), ...common }),
    z.strictObject({
      kind: z.literal('stripe'),
      ...common,
      tolerance_seconds: toleranceSchema(),
    }),
    z.strictObject({
      kind: z.literal('standard-webhooks'),
      ...common,
      tolerance_seconds: toleranceSchema(),
    }),
    z.strictObject({
      kind: z.literal('klaviyo'),
      ...common,
      max_body_bytes: z._default(bodyBytes, DEFAULT_KLAVIYO_BODY_BYTES),
      tolerance_seconds: toleranceSchema(),
    }),
    z.strictObject({
      kind: z.literal('klaviyo-flow'),
      ...common,
      /** Header the flow's webhook action sends with the shared secret as its value. */
      secret_header: z
        ._default(headerNameSchema(), 'x-relay-secret')
        .check(z.describe('Header that carries the shared secret as its value.')),
      /** Where the flow templates a stable id into the request; default: a SHA-256 of the raw body. */
      delivery_id: deliveryIdSchema(),
    }),
    z.strictObject({
      kind: z.literal('bigcommerce'),
      ...common,
      /** Header given in the webhook's `headers` at registration, with the shared secret as its value. */
      secret_header: z
        ._default(headerNameSchema(), 'x-relay-secret')
        .check(z.describe('Header that carries the shared secret as its value.')),
    }),
    z.strictObject({ kind: z.literal('woocommerce'), ...common }),
    z.strictObject({
      kind: z.literal('zendesk'),
      ...common,
      tolerance_seconds: toleranceSchema(),
    }),
    z.strictObject({
      kind: z.literal('generic-hmac'),
      ...common,
      signature: hmacSignatureSchema(),
      /** Where the sender's delivery id is; default: a SHA-256 of the raw body. */
      delivery_id: deliveryIdSchema(),
    }),
    z.strictObject({
      kind: z.literal('token'),
      ...common,
      /** `bearer`: `Bearer <secret>`; `basic`: the secret is `user:password`, sent as HTTP Basic. */
      scheme: z
        ._default(z.enum(['bearer', 'basic']), 'bearer')
        .check(
          z.describe('bearer: Bearer <secret>; basic: the secret is user:password, sent as HTTP Basic.'),
        ),
      header: z
        ._default(headerNameSchema(), 'authorization')
        .check(z.describe('Header that carries the credential.')),
      /** Where the sender's delivery id is; default: a SHA-256 of the raw body. */
      delivery_id: deliveryIdSchema(),
    }),
  ]);
}
