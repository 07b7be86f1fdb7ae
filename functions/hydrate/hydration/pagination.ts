// Bounded pagination: where a page's items are, and where the next page is — a `Link: <…>; rel="next"` header,
// a URL in the page, or `has_more` with a cursor query parameter. A next page must be on the connection's
// origin: the credential goes nowhere the configuration did not name.
import { PermanentError } from '../../shared/stage/errors.ts';
import type { Pagination } from '../../shared/config/hydration-pagination.ts';
import { getPath } from '../../shared/json/path.ts';

/** The list in one page; a page without one is a permanent failure (the configuration names the wrong path). */
export function pageItems(pagination: Pagination, page: unknown, what: string): unknown[] {
  const items = pagination.items === undefined ? page : getPath(page, pagination.items);
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) {
    throw new PermanentError(
      `${what}: the page's ${pagination.items ?? 'body'} is not a list`,
      'hydration_page_not_list',
    );
  }
  return items;
}

/** The next page's URL, or undefined on the last page. */
export function nextPageUrl(
  pagination: Pagination,
  page: { body: unknown; headers: Headers },
  items: readonly unknown[],
  currentUrl: string,
  what: string,
): string | undefined {
  let next: string | undefined;
  if (pagination.next === 'link_header') {
    next = linkHeaderNext(page.headers.get('link'));
  } else if (pagination.next === 'next_url') {
    const value = getPath(page.body, pagination.next_url_path ?? '');
    next = typeof value === 'string' && value !== '' ? value : undefined;
  } else {
    if (getPath(page.body, pagination.has_more_path ?? '') !== true) return undefined;
    const cursor = getPath(items.at(-1), pagination.cursor_path ?? '');
    if (typeof cursor !== 'string' && typeof cursor !== 'number') {
      throw new PermanentError(
        `${what}: more pages, but the last item has no ${pagination.cursor_path ?? ''}`,
        'hydration_cursor_missing',
      );
    }
    const url = new URL(currentUrl);
    url.searchParams.set(pagination.cursor_param ?? '', String(cursor));
    return url.href;
  }
  if (next === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(next, currentUrl);
  } catch {
    throw new PermanentError(`${what}: the next page's URL does not parse`, 'hydration_next_invalid');
  }
  const origin = new URL(currentUrl).origin;
  if (url.origin !== origin) {
    throw new PermanentError(
      `${what}: the next page is on ${url.origin}, another origin: the credential is not sent there`,
      'source_api_next_cross_origin',
      { from: origin, to: url.origin },
    );
  }
  return url.href;
}

/** `<https://…?page_info=x>; rel="next", <…>; rel="previous"` → the next link, if any. */
export function linkHeaderNext(header: string | null): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(',')) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (match && /(^|;)\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(match[2] ?? '')) {
      return match[1];
    }
  }
  return undefined;
}
