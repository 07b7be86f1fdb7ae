// How a GET step of a source's hydration follows pages (docs/adr/0016-hydration-connections-and-steps.md): the
// Link header, a URL in the page, or a cursor; functions/hydrate/hydration/pagination.ts follows them.
import * as z from '../zod.ts';
import { memo } from '../zod.ts';
import { intBetween } from './schema-shorthands.ts';
import { DOT_PATH_PATTERN } from './value-spec.ts';

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
