// The `hydration` section of a source (docs/adr/0016-hydration-connections-and-steps.md): named connections
// (base URL template + auth) and steps (GET/POST, body template, params, when, pick, for_each, pagination,
// cache). Today's single `base_url`/`auth` form is one connection, named `default`, and parses as before.
import { secretRefSchema } from './document-schema.ts';
import {
  compileExpression,
  DOT_PATH_PATTERN,
  ExpressionSyntaxError,
  MAX_EXPRESSION_LENGTH,
  valueSpecSchema,
} from './expression.ts';
import { hostPlaceholderOf, HYDRATION_BASE_URL_RULE, isHydrationBaseUrl } from './hydration-base-url.ts';
import * as z from '../zod.ts';
import { memo } from '../zod.ts';

const intBetween = (min: number, max: number) => z.int().check(z.minimum(min), z.maximum(max));
const lowerSnake = memo(() => z.string().check(z.regex(/^[a-z][a-z0-9_]*$/, 'lower_snake_case')));

/** `{dot.path}` placeholders; in a base URL each is filled like a path placeholder (URL-encoded). */
const PLACEHOLDER = /\{([^{}]+)\}/g;

/**
 * A base URL template is checked with every placeholder standing in for a harmless value; the URL it renders
 * at run time is checked again (functions/hydrate/hydration/connections.ts).
 */
export function isBaseUrlTemplate(template: string): boolean {
  return isHydrationBaseUrl(template.replace(PLACEHOLDER, 'x'));
}

/** The name of the connection today's single `base_url`/`auth` form stands for. */
export const DEFAULT_CONNECTION = 'default';

export const hydrationAuthSchema = memo(() =>
  z.union([
    /** A header with a prefix: `{ "header": "authorization", "prefix": "Bearer ", "secret": … }` (today's form). */
    z.strictObject({
      kind: z.optional(z.literal('header')),
      // A name fetch() would refuse would fail every call at run time: refused at load instead.
      header: z.string().check(z.regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'an HTTP header name')),
      prefix: z._default(z.string(), ''),
      secret: secretRefSchema(),
    }),
    /** `Authorization: Bearer <secret>`. */
    z.strictObject({ kind: z.literal('bearer'), secret: secretRefSchema() }),
    /** HTTP Basic: the user is a literal (`user`) or a reference (`user_secret`), the password a reference. */
    z
      .strictObject({
        kind: z.literal('basic'),
        user: z.optional(z.string().check(z.regex(/^[^:]*$/, 'a user name without ":"'))),
        user_secret: z.optional(secretRefSchema()),
        password: secretRefSchema(),
      })
      .check(
        z.refine((a) => (a.user === undefined) !== (a.user_secret === undefined), {
          message: 'basic auth needs exactly one of user or user_secret',
          path: ['user'],
        }),
      ),
    /** A query parameter, e.g. `?api_key=<secret>`; never shown in logs or dead letters. */
    z.strictObject({
      kind: z.literal('query'),
      param: z.string().check(z.regex(/^[A-Za-z0-9_.~-]+$/, 'a query parameter name')),
      secret: secretRefSchema(),
    }),
  ]),
);
export type HydrationAuth = z.infer<ReturnType<typeof hydrationAuthSchema>>;

const baseUrlTemplate = memo(() =>
  z.string().check(
    z.maxLength(2_048),
    z.refine(isBaseUrlTemplate, HYDRATION_BASE_URL_RULE),
    // The configuration, not the webhook, decides which domain gets the credential (./hydration-base-url.ts).
    z.superRefine((template, ctx) => {
      const host = hostPlaceholderOf(template);
      if (host && 'problem' in host)
        ctx.issues.push({ code: 'custom', message: host.problem, input: template });
    }),
  ),
);

export const hydrationConnectionSchema = memo(() =>
  z.strictObject({
    /** Base URL, with `{dot.path}` placeholders filled from the context, e.g. `…/stores/{meta.store_hash}/v2`. */
    base_url: baseUrlTemplate().check(
      z.describe('Base URL, with {dot.path} placeholders filled from the context.'),
    ),
    auth: z
      .optional(hydrationAuthSchema())
      .check(z.describe('The API credential: header (default), bearer, basic or query.')),
    /**
     * Values every step on this connection has as `{params.name}` (a step's own `params` win), e.g. the store
     * hash a base URL needs: `{ "store_hash": { "expr": "$substringAfter(meta.producer, 'stores/')" } }`.
     */
    params: z
      .optional(z.record(lowerSnake(), valueSpecSchema()))
      .check(
        z.describe("Values every step on this connection has as {params.name} (a step's own params win)."),
      ),
    /** This connection's timeout; default the hydration's `timeout_ms`. */
    timeout_ms: z
      .optional(intBetween(100, 30_000))
      .check(z.describe("This connection's timeout (ms); default the hydration's timeout_ms.")),
    /** This connection's own pace; default the hydration's `requests_per_second`. */
    requests_per_second: z
      .optional(z.number().check(z.minimum(0.1), z.maximum(1_000)))
      .check(z.describe("This connection's requests a second; default the hydration's.")),
  }),
);
export type HydrationConnection = z.infer<ReturnType<typeof hydrationConnectionSchema>>;

/**
 * A JSON body template: any JSON, where an object that is exactly `{ "expr": "…" }` or `{ "path": "…" }` is
 * replaced by that value from the step's scope, and `{ "literal": … }` stands for its content as is.
 */
export const bodyTemplateSchema = memo(() =>
  z.unknown().check(
    z.superRefine((template, ctx) => {
      const problems: string[] = [];
      checkBodyTemplate(template, '', problems, 0);
      for (const message of problems) ctx.issues.push({ code: 'custom', message, input: template });
    }),
  ),
);

function checkBodyTemplate(node: unknown, at: string, problems: string[], depth: number): void {
  if (depth > 32) return void problems.push(`body${at}: nested deeper than 32 levels`);
  if (Array.isArray(node)) {
    node.forEach((item, i) => checkBodyTemplate(item, `${at}[${i}]`, problems, depth + 1));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const entries: [string, unknown][] = Object.entries(node);
  const [only] = entries;
  if (entries.length === 1 && only) {
    const [key, value] = only;
    if (key === 'literal') return;
    if (key === 'path') {
      if (typeof value !== 'string' || !DOT_PATH_PATTERN.test(value))
        problems.push(`body${at}.path: a dot path such as event.id`);
      return;
    }
    if (key === 'expr') {
      if (typeof value !== 'string' || value === '' || value.length > MAX_EXPRESSION_LENGTH)
        return void problems.push(
          `body${at}.expr: an expression of 1 to ${MAX_EXPRESSION_LENGTH} characters`,
        );
      try {
        compileExpression(value);
      } catch (error) {
        if (!(error instanceof ExpressionSyntaxError)) throw error;
        problems.push(`body${at}.expr: ${error.message}`);
      }
      return;
    }
  }
  for (const [key, value] of entries) checkBodyTemplate(value, `${at}.${key}`, problems, depth + 1);
}

/** How a step follows pages; the results of at most `max_pages` pages are concatenated from `items`. */
export const paginationSchema = memo(() =>
  z
    .strictObject({
      /** Dot path to the list in each page (e.g. `data`); unset: the page itself is the list. */
      items: z
        .optional(z.string().check(z.regex(DOT_PATH_PATTERN, 'a dot path such as data')))
        .check(z.describe('Dot path to the list in each page; unset: the page is the list.')),
      /**
       * `link_header`: the `Link: <…>; rel="next"` header (Shopify REST, GitHub…); `next_url`: a URL in the
       * page at `next_url_path`; `cursor`: while `has_more_path` is true, the query parameter `cursor_param`
       * is set to the last item's `cursor_path` (Stripe's `has_more` + `starting_after` + `id`).
       */
      next: z
        .enum(['link_header', 'next_url', 'cursor'])
        .check(z.describe('How the next page is found: the Link header, a URL in the page, or a cursor.')),
      next_url_path: z.optional(z.string().check(z.regex(DOT_PATH_PATTERN, 'a dot path'))),
      has_more_path: z.optional(z.string().check(z.regex(DOT_PATH_PATTERN, 'a dot path'))),
      cursor_param: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_.~[\]-]+$/, 'a query parameter name'))),
      cursor_path: z.optional(z.string().check(z.regex(DOT_PATH_PATTERN, 'a dot path'))),
      max_pages: z
        ._default(intBetween(1, 50), 10)
        .check(z.describe('Most pages followed; at this many it stops and logs it.')),
    })
    .check(
      z.refine((p) => p.next !== 'next_url' || p.next_url_path !== undefined, {
        message: 'next "next_url" needs next_url_path',
        path: ['next_url_path'],
      }),
      z.refine(
        (p) =>
          p.next !== 'cursor' ||
          (p.has_more_path !== undefined && p.cursor_param !== undefined && p.cursor_path !== undefined),
        { message: 'next "cursor" needs has_more_path, cursor_param and cursor_path', path: ['next'] },
      ),
    ),
);
export type Pagination = z.infer<ReturnType<typeof paginationSchema>>;

/** Names a step's scope holds besides the context: they shadow a step of the same name in templates. */
export const STEP_SCOPE_NAMES = ['params'] as const;

export const hydrationStepSchema = memo(() =>
  z
    .strictObject({
      /** Name under which the response is kept in the mapping context (e.g. `customer`). */
      name: lowerSnake().check(z.describe('Name under which the response is kept in the mapping context.')),
      /** Which connection to call; default: the only one. */
      connection: z
        .optional(lowerSnake())
        .check(z.describe('Which connection to call; default the only one.')),
      method: z._default(z.enum(['GET', 'POST']), 'GET').check(z.describe('HTTP method.')),
      /**
       * Path on the source API with `{dot.path}` placeholders, e.g. `/customers/{event.customer}/address`; a
       * computed value is named in `params` and used as `{params.name}`.
       */
      path: z
        .string()
        .check(
          z.startsWith('/'),
          z.maxLength(2_048),
          z.describe(
            'Path on the source API with {dot.path} placeholders, e.g. /customers/{event.customer}.',
          ),
        ),
      /** Values computed before the call (dot path or expression over the context), used as `{params.name}`. */
      params: z.optional(z.record(lowerSnake(), valueSpecSchema())),
      /** JSON body of a POST (a template: `{ "expr" }` and `{ "path" }` objects are filled in). */
      body: z
        .optional(bodyTemplateSchema())
        .check(z.describe('JSON body of a POST; { expr } and { path } objects are filled in.')),
      /** The call runs only when this is true (truthy), e.g. `{ "expr": "event.customer_id > 0" }`. */
      when: z.optional(valueSpecSchema()).check(z.describe('The call runs only when this is true (truthy).')),
      /** One call per element of this list, the element available as `{item…}` (or the name in `as`). */
      for_each: z.optional(
        z.strictObject({
          items: valueSpecSchema(),
          as: z._default(lowerSnake(), 'item'),
          /** Calls in flight at once for this step (1–10). */
          concurrency: z._default(intBetween(1, 10), 4),
          /** More elements than this is a permanent failure (1–250), not a silent cut. */
          max_items: z._default(intBetween(1, 250), 50),
        }),
      ),
      /** What is kept under the step's name, read from the response (per call with for_each); default all. */
      pick: z.optional(valueSpecSchema()).check(z.describe('What is kept of the answer; default all of it.')),
      paginate: z.optional(paginationSchema()).check(z.describe('How a GET step follows pages.')),
      /**
       * GraphQL answers carry errors with HTTP 200: when true, `errors` in the answer is a failure (THROTTLED
       * is deferred). Default: true for a POST whose body has a `query` string.
       */
      graphql: z.optional(z.boolean()),
      /** Keep successful answers this long (0–3,600 s) in the instance's cache; 0: not cached. */
      cache_ttl_seconds: z
        ._default(intBetween(0, 3_600), 0)
        .check(z.describe("Keep successful answers this long (s) in the instance's cache; 0: not cached.")),
    })
    .check(
      z.refine((s) => s.method === 'POST' || s.body === undefined, {
        message: 'a body needs method POST',
        path: ['body'],
      }),
      z.refine((s) => s.paginate === undefined || s.method === 'GET', {
        message: 'pagination follows GET steps only',
        path: ['paginate'],
      }),
      z.refine(
        (s) => s.for_each === undefined || !(STEP_SCOPE_NAMES as readonly string[]).includes(s.for_each.as),
        {
          message: 'for_each.as cannot be "params"',
          path: ['for_each', 'as'],
        },
      ),
    ),
);
export type HydrationStep = z.infer<ReturnType<typeof hydrationStepSchema>>;

export const hydrationSchema = memo(() =>
  z
    .strictObject({
      /** Today's form: one connection (named `default`). Use either this or `connections`. */
      base_url: z.optional(baseUrlTemplate()),
      /** Header that carries the API credential, e.g. `authorization` with prefix `Bearer `, or another kind. */
      auth: z.optional(hydrationAuthSchema()),
      /** Named connections, each with its base URL template and auth (1–10). */
      connections: z.optional(
        z
          .record(lowerSnake(), hydrationConnectionSchema())
          .check(
            z.refine((c) => Object.keys(c).length >= 1 && Object.keys(c).length <= 10, '1 to 10 connections'),
          ),
      ),
      timeout_ms: z
        ._default(intBetween(100, 30_000), 5_000)
        .check(z.describe('Timeout of each call (ms), body included.')),
      /**
       * Requests a second each hydrate instance sends this source's API at most (0.1–1,000), evenly spaced. Unset:
       * no limit of the relay's own; the API's Retry-After and rate headers still set the pace (source-pacer.ts).
       */
      requests_per_second: z.optional(z.number().check(z.minimum(0.1), z.maximum(1_000))),
      steps: z
        .array(hydrationStepSchema())
        .check(z.minLength(1), z.maxLength(10), z.describe('The calls, in order (1 to 10).')),
    })
    .check(
      z.refine((h) => (h.base_url === undefined) !== (h.connections === undefined), {
        message: 'set base_url (one connection) or connections, not both',
        path: ['base_url'],
      }),
      z.refine((h) => h.connections === undefined || h.auth === undefined, {
        message: 'with connections, auth goes inside each connection',
        path: ['auth'],
      }),
      z.refine(stepsNameTheirConnection, {
        message:
          'each step names a configured connection (connection may be left out only when there is exactly one)',
        path: ['steps'],
      }),
    ),
);
export type Hydration = z.infer<ReturnType<typeof hydrationSchema>>;

function stepsNameTheirConnection(h: {
  connections?: Record<string, unknown> | undefined;
  steps: { connection?: string | undefined }[];
}): boolean {
  const names = h.connections ? Object.keys(h.connections) : [DEFAULT_CONNECTION];
  return h.steps.every((s) =>
    s.connection === undefined ? names.length === 1 : names.includes(s.connection),
  );
}
