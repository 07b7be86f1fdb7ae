// The one configuration document's schema: what each source is, how to verify it, and how to reach Klaviyo.
// Terraform renders the document from the module's `sources`/`klaviyo` inputs (same snake_case names); local
// mode reads it from a JSON file. It holds secret *references*, never secret values.
//
// The schema is written once, here, and composed over the per-source parts that only hydrate reads — a
// source's `hydration` and `mapping` — so that each reader parses the document in one of two shapes
// (docs/adr/0021-opaque-source-parts-in-ingest-and-deliver.md):
// - resolved (./config.ts): presets resolved, hydration and mapping validated in full, JSONata compiled. Hydrate,
//   the CLI, local mode and the tests read it so;
// - opaque (here): a preset's name and kind checked, hydration and mapping only checked to be objects when
//   present, and typed `unknown`, so the compiler proves the reader never reads them. Ingest and deliver read it
//   so, and their bundles carry no presets, mapping or hydration schemas and no JSONata.
// This module must not import ./config.ts, ./mapping-config.ts, ./hydration-config.ts, ./expression.ts or the
// presets (only ./preset-names.ts): test/unit/bundle-contents.test.ts checks the ingest and deliver bundles.
import * as z from '../zod.ts';
import { memo } from '../zod.ts';
import { isPlainObject } from '../json/is-plain-object.ts';
import { PRESET_NAMES, resolvePresetKinds } from './preset-names.ts';

export const CONFIG_VERSION = 1;
export const DEFAULT_KLAVIYO_REVISION = '2026-07-15';
export const DEFAULT_KLAVIYO_BASE_URL = 'https://a.klaviyo.com';

// Shorthands for what this document repeats (zod/mini spells every check out). A schema is immutable, so one
// instance serves every field that uses it. Every schema is built on first use (memo, in ./zod.ts).
const nonEmptyString = memo(() => z.string().check(z.minLength(1)));
/** An integer from `min` to `max` inclusive: classic zod's `z.number().int().min(min).max(max)`. */
const intBetween = (min: number, max: number) => z.int().check(z.minimum(min), z.maximum(max));

/** An SSM parameter name, or its ARN. */
export const SSM_PARAMETER_REFERENCE =
  /^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter\/)?[A-Za-z0-9_./-]+$/;
/** A Secrets Manager secret ARN. */
export const SECRETS_MANAGER_REFERENCE =
  /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$/;

/**
 * `{ "env": NAME }`: a variable of the reading process's environment. Local mode only: the functions refuse it
 * anywhere else (./secrets.ts: in Lambda that environment holds the role's session credentials), so it is no
 * member of deployedSecretRefSchema, the references Terraform's inputs accept (docs/adr/0027-security-boundaries.md).
 */
export const envSecretRefSchema = memo(() =>
  z.strictObject({ env: nonEmptyString() }).register(z.globalRegistry, {
    description: 'An environment variable of the process: local mode only (refused in AWS).',
    local_only: true,
  }),
);
/** Where a secret lives in AWS: an SSM parameter or a Secrets Manager secret. */
export const deployedSecretRefSchema = memo(() =>
  z.union([
    z.strictObject({
      // SSM and Secrets Manager refuse other names, so a reference they cannot resolve is refused at load.
      ssm: z
        .string()
        .check(
          z.regex(
            SSM_PARAMETER_REFERENCE,
            'an SSM parameter name (letters, digits, _ . - /) or parameter ARN',
          ),
          z.describe('An SSM parameter (name or ARN) holding the secret.'),
        ),
    }),
    z.strictObject({
      secrets_manager: z
        .string()
        .check(
          z.regex(SECRETS_MANAGER_REFERENCE, 'a Secrets Manager secret ARN'),
          z.describe('A Secrets Manager secret (ARN) holding the secret.'),
        ),
    }),
  ]),
);
/** Where a secret lives: an environment variable (local mode only), an SSM parameter or a Secrets Manager secret. */
export const secretRefSchema = memo(() => z.union([envSecretRefSchema(), deployedSecretRefSchema()]));
export type SecretRef = z.infer<ReturnType<typeof secretRefSchema>>;

/** A value read from the request: a header, a dot path into the JSON body, or a constant. */
export const valueSourceSchema = memo(() =>
  z.union([
    z.strictObject({ header: z.string().check(z.minLength(1), z.toLowerCase()) }),
    z.strictObject({ path: nonEmptyString() }),
    z.strictObject({ value: nonEmptyString() }),
  ]),
);
export type ValueSource = z.infer<ReturnType<typeof valueSourceSchema>>;

/** Largest body a source may raise its own limit to: Lambda carries 6 MB per synchronous invocation. */
export const MAX_SOURCE_BODY_BYTES = 5 * 1024 * 1024;
/** Klaviyo sends up to 1,000 events in one request; each becomes its own message, so the body may exceed SQS's 1 MiB. */
export const DEFAULT_KLAVIYO_BODY_BYTES = MAX_SOURCE_BODY_BYTES;
/** Stripe's and Standard Webhooks' published tolerance; also our default where a sender publishes none. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * The parts of a source only hydrate reads: how its API is called (`hydration`, ./hydration-config.ts) and how a
 * webhook becomes Klaviyo events and a profile (`mapping`, ./mapping-config.ts). Either validated in full
 * (./config.ts: resolvedSourceParts) or opaque (opaqueSourceParts).
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
  /** How far a signed timestamp may be from our clock, either way, before the request counts as a replay. */
  const tolerance = z
    ._default(intBetween(1, 86_400), DEFAULT_TOLERANCE_SECONDS)
    .check(
      z.describe(
        'How far (s) a signed timestamp may be from our clock before the request counts as a replay.',
      ),
    );
  const headerName = z
    .string()
    .check(z.regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'an HTTP header name'), z.toLowerCase());

  return z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('shopify'), ...common }),
    z.strictObject({
      kind: z.literal('stripe'),
      ...common,
      tolerance_seconds: tolerance,
    }),
    z.strictObject({
      kind: z.literal('standard-webhooks'),
      ...common,
      tolerance_seconds: tolerance,
    }),
    z.strictObject({
      kind: z.literal('klaviyo'),
      ...common,
      max_body_bytes: z._default(bodyBytes, DEFAULT_KLAVIYO_BODY_BYTES),
      tolerance_seconds: tolerance,
    }),
    z.strictObject({
      kind: z.literal('klaviyo-flow'),
      ...common,
      /** Header the flow's webhook action sends with the shared secret as its value. */
      secret_header: z
        ._default(headerName, 'x-relay-secret')
        .check(z.describe('Header that carries the shared secret as its value.')),
      /** Where the flow templates a stable id into the request; default: a SHA-256 of the raw body. */
      delivery_id: z
        .optional(valueSourceSchema())
        .check(z.describe("Where the sender's delivery id is; default a SHA-256 of the raw body.")),
    }),
    z.strictObject({
      kind: z.literal('bigcommerce'),
      ...common,
      /** Header given in the webhook's `headers` at registration, with the shared secret as its value. */
      secret_header: z
        ._default(headerName, 'x-relay-secret')
        .check(z.describe('Header that carries the shared secret as its value.')),
    }),
    z.strictObject({ kind: z.literal('woocommerce'), ...common }),
    z.strictObject({
      kind: z.literal('zendesk'),
      ...common,
      tolerance_seconds: tolerance,
    }),
    z.strictObject({
      kind: z.literal('generic-hmac'),
      ...common,
      signature: z
        .strictObject({
          header: headerName.check(z.describe('Header holding the signature.')),
          algorithm: z
            ._default(z.enum(['sha1', 'sha256', 'sha512']), 'sha256')
            .check(z.describe('HMAC hash.')),
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
            .optional(headerName)
            .check(
              z.describe(
                'Header holding the signed timestamp; signed_content must then include {timestamp}.',
              ),
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
          tolerance_seconds: tolerance,
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
      /** Where the sender's delivery id is; default: a SHA-256 of the raw body. */
      delivery_id: z
        .optional(valueSourceSchema())
        .check(z.describe("Where the sender's delivery id is; default a SHA-256 of the raw body.")),
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
        ._default(headerName, 'authorization')
        .check(z.describe('Header that carries the credential.')),
      /** Where the sender's delivery id is; default: a SHA-256 of the raw body. */
      delivery_id: z
        .optional(valueSourceSchema())
        .check(z.describe("Where the sender's delivery id is; default a SHA-256 of the raw body.")),
    }),
  ]);
}

/** An object, when present, and nothing more is known of it: a part its reader never reads. */
const opaqueObject = memo(() =>
  z.optional(
    z.pipe(
      z.looseObject({}),
      z.transform((part): unknown => part),
    ),
  ),
);

/** Hydration and mapping as ingest and deliver read them: objects when present, of type `unknown`. */
export const opaqueSourceParts = memo(() => ({ hydration: opaqueObject(), mapping: opaqueObject() }));

/** A source as ingest and deliver read it: everything but its hydration and mapping validated. */
export const opaqueSourceSchema = memo(() => sourceSchemaWith(opaqueSourceParts()));
export type OpaqueSourceConfig = z.infer<ReturnType<typeof opaqueSourceSchema>>;
export type SourceKind = OpaqueSourceConfig['kind'];

export const klaviyoSettingsSchema = memo(() =>
  z.strictObject({
    api_key: secretRefSchema().check(z.describe('Reference to the Klaviyo private API key.')),
    revision: z
      ._default(
        z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}(\.pre)?$/, 'a dated revision such as 2026-07-15')),
        DEFAULT_KLAVIYO_REVISION,
      )
      .check(z.describe('Klaviyo API revision header (YYYY-MM-DD, optionally .pre).')),
    // http(s) only: the functions send the API key there.
    base_url: z
      ._default(z.url({ protocol: /^https?$/ }), DEFAULT_KLAVIYO_BASE_URL)
      .check(z.describe('Klaviyo API base URL (http or https); a mock or proxy in tests.')),
    timeout_ms: z
      ._default(intBetween(100, 60_000), 10_000)
      .check(z.describe('Per-request timeout (ms); a timeout is retried.')),
    /** Share of each Klaviyo rate limit the relay may use, 0.05–1; the rest is left to the account's other integrations. */
    rate_budget_share: z
      ._default(z.number().check(z.minimum(0.05), z.maximum(1)), 1)
      .check(z.describe('Share of each Klaviyo rate limit the relay may use.')),
    /**
     * A batch with at least this many events goes through Bulk Create Events (1,000 events a request) instead of
     * one Create Event call each. Default 24: one bulk call spends 1/150 of its minute budget, one event call
     * 1/3,500, so from 24 events on a bulk call is the cheaper use of Klaviyo's budget. Above the event source
     * mapping's batch size, bulk is never used.
     */
    bulk_threshold: z
      ._default(intBetween(2, 10_000), 24)
      .check(z.describe('Events in a batch from which Bulk Create Events is used.')),
    /**
     * Longest the pacer sleeps before a request (ms, 0–10,000). A longer wait for Klaviyo's budget puts the
     * message back on the queue with that delay instead, so the function never idles on billed time.
     */
    max_pacing_wait_ms: z
      ._default(intBetween(0, 10_000), 2_000)
      .check(
        z.describe(
          'Longest wait (ms) slept before a request; a longer one puts the message back on the queue.',
        ),
      ),
    /**
     * The deliver event source mapping's maximum concurrency (2–1,000; Terraform sets both from one input).
     * Each instance keeps to 1/n of the burst limits, so instances share the budget instead of fighting over it.
     */
    max_concurrency: z
      ._default(intBetween(1, 1_000), 2)
      .check(
        z.describe(
          "The deliver event source mapping's maximum concurrency (Terraform sets both, from 2; local mode also takes 1).",
        ),
      ),
    /** Klaviyo requests one deliver instance keeps in flight at once (1–64). */
    max_in_flight: z
      ._default(intBetween(1, 64), 8)
      .check(z.describe('Klaviyo requests one deliver instance keeps in flight.')),
  }),
);
export type KlaviyoSettings = z.infer<ReturnType<typeof klaviyoSettingsSchema>>;

/** Stripe's retry window, the longest a sender we document retries for (3 days). */
export const MIN_DEDUPE_TTL_SECONDS = 3 * 86_400;
/** Ingest's longest timeout: API Gateway HTTP APIs stop waiting after 30 s (Terraform caps ingest there). */
export const MIN_CLAIM_LEASE_SECONDS = 30;

/** The document, each source validated by `source` (sourceSchemaWith with one shape's parts). */
export function relayConfigSchemaWith<S extends z.ZodMiniType>(source: S) {
  return z.strictObject({
    version: z.literal(CONFIG_VERSION),
    sources: z
      .record(
        z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, - and _')),
        source,
      )
      .check(
        z.describe(
          "Webhook sources keyed by the {source} segment of their webhook URL, each with its sender kind, secret references, optional preset, hydration and mapping (see the README's Configure sources, Hydration reference and Mapping reference).",
        ),
      ),
    klaviyo: klaviyoSettingsSchema().check(
      z.describe(
        "Klaviyo settings: the API key reference, API revision, base URL, timeout, and how deliver shares Klaviyo's rate limits (see the README's Delivery to Klaviyo).",
      ),
    ),
    ingest: z
      .prefault(
        z.strictObject({
          /** Largest accepted body; SQS carries up to 1 MiB, and the message wraps the body with metadata. */
          max_body_bytes: z
            ._default(intBetween(1_024, 900 * 1_024), 256 * 1_024)
            .check(z.describe('Largest accepted body (bytes); a source may set its own.')),
          /** Deeper JSON is refused: no sender needs it, and it is a classic way to exhaust a parser's stack. */
          max_json_depth: z
            ._default(intBetween(8, 512), 64)
            .check(z.describe('Deepest JSON nesting accepted; deeper bodies are refused.')),
          /**
           * How long a delivery id is remembered. At least the longest sender retry window we document (Stripe:
           * 3 days), or a retry arriving after the id was forgotten is enqueued again.
           */
          dedupe_ttl_seconds: z
            ._default(intBetween(MIN_DEDUPE_TTL_SECONDS, 90 * 86_400), 7 * 86_400)
            .check(
              z.describe("How long a delivery id is remembered (at least 3 days, Stripe's retry window)."),
            ),
          /**
           * How long a claimed-but-not-yet-enqueued delivery blocks a retry before the retry may take over. At
           * least ingest's longest timeout (30 s: API Gateway stops waiting then), or a lease could lapse while its
           * request still runs and a concurrent retry would enqueue the event a second time.
           */
          claim_lease_seconds: z
            ._default(intBetween(MIN_CLAIM_LEASE_SECONDS, 900), 60)
            .check(
              z.describe(
                "How long a claimed, not yet enqueued delivery blocks a retry (at least ingest's 30 s timeout).",
              ),
            ),
        }),
        {},
      )
      .check(
        z.describe(
          'Ingest settings: the body size and JSON depth limits, and how long delivery ids are remembered and claimed.',
        ),
      ),
    hydrate: z
      .prefault(
        z.strictObject({
          /**
           * Bytes one webhook may bring into hydrate: itself, the source API answers its hydration gets and the
           * messages it becomes (as JSON text), from 1 MiB to 1 GiB. Past it the webhook is dead-lettered with the reason
           * `webhook_budget_exceeded`. Default: a sixteenth of hydrate's memory_size (16 MiB at 256 MB).
           */
          max_bytes_per_webhook: z.optional(
            intBetween(1_048_576, 1_073_741_824).check(
              z.describe(
                "Bytes one webhook may bring into hydrate (itself, its source API answers and the messages it becomes, as JSON text); unset, a sixteenth of hydrate's memory_size. Past it the webhook is dead-lettered (webhook_budget_exceeded).",
              ),
            ),
          ),
        }),
        {},
      )
      .check(z.describe("Hydrate settings: how many bytes one webhook may bring into hydrate's memory.")),
  });
}

/** The document as ingest and deliver read it: sources' hydration and mapping opaque. */
export const opaqueRelayConfigSchema = memo(() => relayConfigSchemaWith(opaqueSourceSchema()));
export type OpaqueRelayConfig = z.infer<ReturnType<typeof opaqueRelayConfigSchema>>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Terraform's jsonencode writes `null` for optional object attributes that were not set; in this
 * document `null` means "not set", so nulls are dropped before validation.
 */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, dropNulls(v)]),
    );
  }
  return value;
}

/**
 * A configuration file may name its JSON Schema (`"$schema": "./relay-config.schema.json"`) so that editors
 * complete and check it; that is the editor's, not the relay's, so it is dropped before validation (and so
 * never shows in a parsed document, `relay config diff` included).
 */
export function withoutEditorSchema(value: unknown): unknown {
  if (!isPlainObject(value) || !('$schema' in value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== '$schema'));
}

export interface ConfigProblem {
  path: string;
  message: string;
}

export type ConfigValidation<T> = { success: true; data: T } | { success: false; problems: ConfigProblem[] };

/** What stands before the schema: presets resolved (in full, or their kind alone), with what stood in the way. */
export type ResolveDocument = (document: unknown) => {
  document: unknown;
  problems: { path: readonly PropertyKey[]; message: string }[];
};

/** The parsed document (nulls dropped, `resolve`, then the schema), or every problem with its path. */
export function validateWith<T>(
  raw: unknown,
  resolve: ResolveDocument,
  schema: z.ZodMiniType<T>,
): ConfigValidation<T> {
  const { document, problems } = resolve(withoutEditorSchema(dropNulls(raw)));
  const pathOf = (path: readonly PropertyKey[]) => path.map(String).join('.') || '(root)';
  if (problems.length > 0)
    return { success: false, problems: problems.map((p) => ({ path: pathOf(p.path), message: p.message })) };
  const result = schema.safeParse(document);
  if (result.success) return { success: true, data: result.data };
  return {
    success: false,
    problems: result.error.issues.map((i) => ({ path: pathOf(i.path), message: i.message })),
  };
}

/**
 * What a function serves besides the document: the sources whose part was refused, each with its problems. Their
 * webhooks wait (ingest answers 503, hydrate defers them) until the part is fixed; every other source is served
 * (docs/adr/0025-configuration-layout-and-source-isolation.md).
 */
export interface SourceRefusals {
  refused_sources?: Readonly<Record<string, readonly ConfigProblem[]>>;
}

/**
 * The document validated one source at a time: the rest of it (version, klaviyo, ingest) must be valid, since
 * every source depends on it; a source whose part `validate` refuses is left out and listed in
 * `refused_sources`, so that one bad part never stops the others. `validate` is a whole-document validator
 * (validateRelayConfig, validateOpaqueRelayConfig); it sees the document with one source at a time.
 */
export function validateEachSource<C extends { sources: Record<string, unknown> }>(
  raw: unknown,
  validate: (raw: unknown) => ConfigValidation<C>,
): ConfigValidation<C & SourceRefusals> {
  const document = dropNulls(raw);
  if (!isPlainObject(document) || !isPlainObject(document.sources)) return validate(document);
  const root = validate({ ...document, sources: {} });
  if (!root.success) return root;
  const sources: Record<string, unknown> = {};
  const refused: Record<string, ConfigProblem[]> = {};
  for (const [name, part] of Object.entries(document.sources)) {
    const one = validate({ ...document, sources: { [name]: part } });
    if (one.success) sources[name] = one.data.sources[name];
    else refused[name] = one.problems;
  }
  return {
    success: true,
    data: {
      ...root.data,
      sources,
      ...(Object.keys(refused).length > 0 && { refused_sources: refused }),
    },
  };
}

/** Parses the JSON text and validates it with `validate`; every problem is reported with its path. */
export function parseWith<T>(
  text: string,
  origin: string,
  validate: (raw: unknown) => ConfigValidation<T>,
): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${origin}: not valid JSON (${(error as Error).message})`);
  }
  const result = validate(raw);
  if (!result.success) {
    const problems = result.problems.map((p) => `  - ${p.path}: ${p.message}`);
    throw new ConfigError(`${origin}: invalid relay configuration:\n${problems.join('\n')}`);
  }
  return result.data;
}

/**
 * The document as ingest and deliver read it: presets' names and kinds checked, each source's hydration and mapping
 * left opaque. A document this accepts may still be refused by validateRelayConfig (./config.ts), which hydrate,
 * `relay config validate` and the Terraform tests use.
 */
export function validateOpaqueRelayConfig(raw: unknown): ConfigValidation<OpaqueRelayConfig> {
  return validateWith(raw, resolvePresetKinds, opaqueRelayConfigSchema());
}

/** Parses and validates the document as ingest and deliver read it (validateOpaqueRelayConfig). */
export function parseOpaqueRelayConfig(text: string, origin: string): OpaqueRelayConfig {
  return parseWith(text, origin, validateOpaqueRelayConfig);
}

/**
 * The document as ingest and deliver serve it: validateOpaqueRelayConfig one source at a time, a refused source
 * left out and listed (validateEachSource).
 */
export function parseOpaqueRelayConfigPerSource(
  text: string,
  origin: string,
): OpaqueRelayConfig & SourceRefusals {
  return parseWith(text, origin, (raw) => validateEachSource(raw, validateOpaqueRelayConfig));
}
