// How a hydration connection authenticates to the source's API (docs/adr/0016-hydration-connections-and-steps.md):
// a header with a prefix (today's form), a bearer token, HTTP Basic, or a query parameter; each names its
// secret by reference (./secret-refs.ts). functions/hydrate/hydration/auth.ts applies it.
import * as z from '../zod.ts';
import { memo } from '../zod.ts';
import { secretRefSchema } from './secret-refs.ts';

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
