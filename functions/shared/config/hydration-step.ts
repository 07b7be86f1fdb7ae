// One step of a source's hydration (docs/adr/0016-hydration-connections-and-steps.md): a call on a connection
// (GET/POST, path template, params, body template), when it runs, for_each, what is kept (pick), pagination and
// cache. functions/hydrate/hydration/step-runner.ts runs it.
import * as z from '../zod.ts';
import { memo } from '../zod.ts';
import { bodyTemplateSchema } from './hydration-body-template.ts';
import { paginationSchema } from './hydration-pagination.ts';
import { intBetween, lowerSnake } from './schema-shorthands.ts';
import { valueSpecSchema } from './value-spec.ts';

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
