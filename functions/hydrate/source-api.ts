// Calls a source's own API to fetch what a thin webhook leaves out. Every call has a timeout and waits for
// its source's pacer, and every answer is classified: a 429 (or a 503 with Retry-After) is the source's budget,
// not a failure, so the record is deferred (source-pacer.ts); other 5xx and timeouts are retried later; other
// 4xx mean the data is not there.
import type { Hydration, HydrationStep } from '../shared/config.ts';
import { DeferredError, PermanentError, RetryableError, parseRetryAfter } from '../shared/errors.ts';
import { getPath } from '../shared/json-path.ts';
import type { ResolveSecret } from '../shared/secrets.ts';
import { RELAY_USER_AGENT } from '../shared/version.ts';
import { rateHintFrom, type SourcePacer } from './source-pacer.ts';

export type Fetch = typeof fetch;

/**
 * Fills `{dot.path}` placeholders from the context; each value is URL-encoded (UTF-8). An empty value, `.` or
 * `..` is refused (permanent): it would change which resource the path names. A value holding a lone
 * surrogate (valid JSON, `"\ud800"`) has no UTF-8 form, so no URL can name it: that fails the same way on
 * every retry, and is a permanent failure with its reason.
 */
export function renderPath(template: string, context: unknown): string {
  return template.replace(/\{([^{}]+)\}/g, (_, path: string) => {
    const value = getPath(context, path.trim());
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new PermanentError(
        `hydration needs ${path}, which the event does not have`,
        'hydration_input_missing',
      );
    }
    // `.` and `..` are dot segments, which URL parsing resolves: `/customers/{event.id}/orders` with id `..`
    // would fetch `/orders`, outside what the step names; an empty value drops a segment the same way.
    if (value === '') {
      throw new PermanentError(`hydration needs ${path}, which is empty`, 'hydration_input_missing', {
        path,
      });
    }
    if (value === '.' || value === '..') {
      throw new PermanentError(
        `hydration cannot put ${path} in a URL: "${value}" would leave the path the step names`,
        'hydration_input_unsafe',
        { path, value },
      );
    }
    try {
      return encodeURIComponent(String(value));
    } catch (error) {
      if (!(error instanceof URIError)) throw error;
      throw new PermanentError(
        `hydration cannot put ${path} in a URL: it holds a lone surrogate, which has no UTF-8 form`,
        'hydration_input_malformed',
        { path, value: JSON.stringify(String(value).slice(0, 200)) },
        { cause: error },
      );
    }
  });
}

/** One hydration step: its path filled from the context, joined to the base URL, fetched as JSON. */
export async function fetchStep(
  hydration: Hydration,
  step: HydrationStep,
  context: unknown,
  deps: SourceApiDeps,
): Promise<unknown> {
  // Joined as text, so a base URL with a path (https://api.example.com/v2) keeps it.
  const url = hydration.base_url.replace(/\/+$/, '') + renderPath(step.path, context);
  // The slot must leave room for the whole request before the invocation's time runs out.
  await deps.pacer?.acquire((deps.deadline ?? Number.POSITIVE_INFINITY) - hydration.timeout_ms);
  return fetchJson(url, hydration, deps);
}

/** Default cap on a source API's response body: hydration reads records, not exports. */
export const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

export interface SourceApiDeps {
  fetch: Fetch;
  resolveSecret: ResolveSecret;
  now: () => number;
  /** Cap on a response body (default MAX_RESPONSE_BYTES); a larger one is a permanent failure. */
  maxResponseBytes?: number;
  /** This source's pacer (per function instance); without one, requests go unpaced. */
  pacer?: SourcePacer;
  /** Local time (ms) by which the invocation must be done; a slot after it defers the record. */
  deadline?: number;
  /** Aborted when the invocation runs out of time (the stage's deadline): the request stops with it. */
  signal?: AbortSignal;
}

/**
 * GETs a URL of the source's API and parses its JSON. One deadline (`timeout_ms`) covers the whole exchange,
 * body included: a server that sends its headers and then stalls is a timeout, retried like any other.
 */
export async function fetchJson(url: string, hydration: Hydration, deps: SourceApiDeps): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': RELAY_USER_AGENT };
  if (hydration.auth) {
    headers[hydration.auth.header] =
      hydration.auth.prefix + (await deps.resolveSecret(hydration.auth.secret));
  }
  const timeout = AbortSignal.timeout(hydration.timeout_ms);
  const signal = deps.signal ? AbortSignal.any([timeout, deps.signal]) : timeout;
  try {
    const response = await get(url, headers, signal, deps.fetch);
    deps.pacer?.observe(rateHintFrom(response.status, response.headers, deps.now()));
    return await readJson(url, response, deps);
  } catch (error) {
    if (error instanceof PermanentError || error instanceof RetryableError) throw error;
    // The invocation's deadline, not the source: the stage reports it (out_of_time).
    if (deps.signal?.aborted) throw deps.signal.reason;
    const reason = (error as Error).name === 'TimeoutError' ? 'source_api_timeout' : 'source_api_unreachable';
    throw new RetryableError(`GET ${url} failed: ${(error as Error).message}`, reason, undefined, {
      cause: error,
    });
  }
}

/** Redirect hops followed within the source's origin; one more is refused (a loop or a misconfiguration). */
export const MAX_REDIRECTS = 3;

/**
 * A GET that follows redirects itself. fetch's own redirect handling carries every custom header, the
 * credential included (X-Shopify-Access-Token, X-Auth-Token…), to wherever a Location points. So: a hop
 * within the same origin (scheme, host and port) is followed with the credential, at most MAX_REDIRECTS; a
 * hop to another origin is refused, permanently, with the origin it asked for. Following it without the
 * credential would at best get a 401 from an API that needs one, and a source API that moved is fixed by
 * pointing hydration.base_url at it: the operator decides where the credential goes (docs/adr/0013).
 */
async function get(
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  fetch: Fetch,
): Promise<Response> {
  let current = url;
  for (let hops = 0; ; hops++) {
    const response = await fetch(current, { headers, signal, redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || location === null) return response;
    await response.body?.cancel();
    const next = new URL(location, current);
    if (next.origin !== new URL(current).origin) {
      throw new PermanentError(
        `GET ${current} redirected to ${next.origin}, another origin: the credential is not sent there`,
        'source_api_redirect_cross_origin',
        { from: new URL(current).origin, to: next.origin },
      );
    }
    if (hops === MAX_REDIRECTS) {
      throw new PermanentError(
        `GET ${url} redirected more than ${MAX_REDIRECTS} times`,
        'source_api_too_many_redirects',
        { last: next.href },
      );
    }
    current = next.href;
  }
}

async function readJson(url: string, response: Response, deps: SourceApiDeps): Promise<unknown> {
  const throttled =
    response.status === 429 || (response.status === 503 && response.headers.get('retry-after') !== null);
  if (throttled) {
    // The source's budget, not a failure: wait (re-sent with a delay) without using up a receive.
    await response.body?.cancel();
    const message = `GET ${url} answered ${response.status}`;
    const reason = `source_api_${response.status}`;
    if (deps.pacer) throw deps.pacer.defer(reason, message);
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'), deps.now());
    throw new DeferredError(message, reason, Math.max(1, retryAfter ?? 1));
  }
  if (response.status === 408 || response.status >= 500) {
    await response.body?.cancel();
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'), deps.now());
    throw new RetryableError(
      `GET ${url} answered ${response.status}`,
      `source_api_${response.status}`,
      retryAfter,
    );
  }
  if (!response.ok) {
    throw new PermanentError(
      `GET ${url} answered ${response.status}`,
      `source_api_${response.status}`,
      (await readAtMost(response, 1000)).text,
    );
  }
  const limit = deps.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const { text, complete } = await readAtMost(response, limit);
  if (!complete) {
    throw new PermanentError(
      `GET ${url} answered more than ${limit} bytes`,
      'source_api_response_too_large',
      { limit },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RetryableError(`GET ${url} did not answer JSON`, 'source_api_not_json');
  }
}

/** Reads the body as a stream, up to `limit` bytes: past that it stops and drops the rest, unread. */
async function readAtMost(response: Response, limit: number): Promise<{ text: string; complete: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let complete = true;
  if (response.body) {
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      if (size + read.value.byteLength > limit) {
        chunks.push(read.value.subarray(0, limit - size));
        complete = false;
        await reader.cancel();
        break;
      }
      chunks.push(read.value);
      size += read.value.byteLength;
    }
  }
  return { text: new TextDecoder().decode(Buffer.concat(chunks)), complete };
}
