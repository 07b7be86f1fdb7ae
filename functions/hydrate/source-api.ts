// Sends one request to a source's own API (the step runner, ./hydration/step-runner.ts, builds it). Every call
// has a timeout, and every answer is classified: a 429 (or a 503 with Retry-After) is the source's budget,
// not a failure, so the record is deferred (source-pacer.ts); other 5xx and timeouts are retried later; other
// 4xx mean the data is not there.
import type { Hydration } from '../shared/config/relay-config.ts';
import { DeferredError, PermanentError, RetryableError, parseRetryAfter } from '../shared/stage/errors.ts';
import { parseJson } from '../shared/json/text.ts';
import type { ResolveSecret } from '../shared/secrets.ts';
import { RELAY_USER_AGENT } from '../shared/version.ts';
import { applyAuth, redactorFor } from './hydration/auth.ts';
import { rateHintFrom, type SourcePacer } from './source-pacer.ts';

export type Fetch = typeof fetch;

export { renderPath } from './hydration/placeholders.ts';

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
  /** Told the size of each piece of a body as it is read; what it throws stops the read (a webhook's budget). */
  onBodyBytes?: ((bytes: number) => void) | undefined;
}

/** One request to a source API, as the step runner built it. */
export interface SourceRequest {
  method: 'GET' | 'POST';
  /** The URL without any query credential: this is what messages show. */
  url: string;
  /** Credential headers included. */
  headers: Record<string, string>;
  /** A credential sent as a query parameter, added to the URL only when sending. */
  query?: { name: string; value: string } | undefined;
  /** JSON text of a POST's body. */
  body?: string | undefined;
  timeoutMs: number;
  /** Scrubs secret values from what the source echoes back (a Location, an error body). */
  redact?: (text: string) => string;
}

export interface SourceAnswer {
  body: unknown;
  headers: Headers;
  /** Bytes of the body: what the cache and a paginated step's size cap count. */
  bytes: number;
}

/**
 * Sends a request and parses its JSON. One deadline (`timeoutMs`) covers the whole exchange, body included: a
 * server that sends its headers and then stalls is a timeout, retried like any other.
 */
export async function sendSourceRequest(request: SourceRequest, deps: SourceApiDeps): Promise<SourceAnswer> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = deps.signal ? AbortSignal.any([timeout, deps.signal]) : timeout;
  const redact = request.redact ?? ((text: string) => text);
  try {
    const response = await send(request, signal, deps.fetch, redact);
    deps.pacer?.observe(rateHintFrom(response.status, response.headers, deps.now()));
    return await readJson(`${request.method} ${request.url}`, response, deps, redact);
  } catch (error) {
    if (error instanceof PermanentError || error instanceof RetryableError) throw error;
    // The invocation's deadline, not the source: the stage reports it (out_of_time).
    if (deps.signal?.aborted) throw deps.signal.reason;
    const reason = (error as Error).name === 'TimeoutError' ? 'source_api_timeout' : 'source_api_unreachable';
    throw new RetryableError(
      `${request.method} ${request.url} failed: ${redact((error as Error).message)}`,
      reason,
      undefined,
      { cause: error },
    );
  }
}

/** GETs a URL with a hydration's own (single-connection) auth: today's one-call form, kept for callers and tests. */
export async function fetchJson(url: string, hydration: Hydration, deps: SourceApiDeps): Promise<unknown> {
  const auth = await applyAuth(hydration.auth, deps.resolveSecret);
  const answer = await sendSourceRequest(
    {
      method: 'GET',
      url,
      headers: auth.headers,
      query: auth.query,
      timeoutMs: hydration.timeout_ms,
      redact: redactorFor(auth.secrets),
    },
    deps,
  );
  return answer.body;
}

/** Redirect hops followed within the source's origin; one more is refused (a loop or a misconfiguration). */
export const MAX_REDIRECTS = 3;

/** The URL actually requested: the query credential added, replacing any copy the source echoed back. */
function withQueryCredential(url: string, query: SourceRequest['query']): string {
  if (!query) return url;
  const target = new URL(url);
  target.searchParams.set(query.name, query.value);
  return target.href;
}

/**
 * A request that follows redirects itself. fetch's own redirect handling carries every custom header, the
 * credential included (X-Shopify-Access-Token, X-Auth-Token…), to wherever a Location points. So: a hop
 * within the same origin (scheme, host and port) is followed with the credential, at most MAX_REDIRECTS; a
 * hop to another origin is refused, permanently, with the origin it asked for. Following it without the
 * credential would at best get a 401 from an API that needs one, and a source API that moved is fixed by
 * pointing the connection's base_url at it: the operator decides where the credential goes (docs/adr/0013).
 * A POST redirected by 301/302/303 continues as a GET without its body, as browsers do; 307/308 keep both.
 */
async function send(
  request: SourceRequest,
  signal: AbortSignal,
  fetch: Fetch,
  redact: (text: string) => string,
): Promise<Response> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'user-agent': RELAY_USER_AGENT,
    ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...request.headers,
  };
  let current = request.url;
  let method = request.method;
  let body = request.body;
  for (let hops = 0; ; hops++) {
    const init: RequestInit = { method, headers, signal, redirect: 'manual' };
    if (body !== undefined) init.body = body;
    const response = await fetch(withQueryCredential(current, request.query), init);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || location === null) return response;
    await response.body?.cancel();
    const next = new URL(location, current);
    if (request.query) next.searchParams.delete(request.query.name);
    if (next.origin !== new URL(current).origin) {
      throw new PermanentError(
        `${method} ${current} redirected to ${next.origin}, another origin: the credential is not sent there`,
        'source_api_redirect_cross_origin',
        { from: new URL(current).origin, to: next.origin },
      );
    }
    if (hops === MAX_REDIRECTS) {
      throw new PermanentError(
        `${request.method} ${request.url} redirected more than ${MAX_REDIRECTS} times`,
        'source_api_too_many_redirects',
        { last: redact(next.href) },
      );
    }
    if (method === 'POST' && response.status !== 307 && response.status !== 308) {
      method = 'GET';
      body = undefined;
      delete headers['content-type'];
    }
    current = next.href;
  }
}

async function readJson(
  what: string,
  response: Response,
  deps: SourceApiDeps,
  redact: (text: string) => string,
): Promise<SourceAnswer> {
  const throttled =
    response.status === 429 || (response.status === 503 && response.headers.get('retry-after') !== null);
  if (throttled) {
    // The source's budget, not a failure: wait (re-sent with a delay) without using up a receive.
    await response.body?.cancel();
    const message = `${what} answered ${response.status}`;
    const reason = `source_api_${response.status}`;
    if (deps.pacer) throw deps.pacer.defer(reason, message);
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'), deps.now());
    throw new DeferredError(message, reason, Math.max(1, retryAfter ?? 1));
  }
  if (response.status === 408 || response.status >= 500) {
    await response.body?.cancel();
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'), deps.now());
    throw new RetryableError(
      `${what} answered ${response.status}`,
      `source_api_${response.status}`,
      retryAfter,
    );
  }
  if (!response.ok) {
    throw new PermanentError(
      `${what} answered ${response.status}`,
      `source_api_${response.status}`,
      redact((await readAtMost(response, 1000)).text),
    );
  }
  const limit = deps.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const { text, complete } = await readAtMost(response, limit, deps.onBodyBytes);
  if (!complete) {
    throw new PermanentError(`${what} answered more than ${limit} bytes`, 'source_api_response_too_large', {
      limit,
    });
  }
  // 204 No Content is an answer, not a broken one: BigCommerce's v2 API answers an empty list that way.
  if (response.status === 204) return { body: null, headers: response.headers, bytes: 0 };
  try {
    return { body: parseJson(text), headers: response.headers, bytes: Buffer.byteLength(text) };
  } catch {
    throw new RetryableError(`${what} did not answer JSON`, 'source_api_not_json');
  }
}

/**
 * Reads the body as a stream, up to `limit` bytes: past that it stops and drops the rest, unread. `onBytes` is told
 * each piece before it is kept; when it throws, the read stops there.
 */
async function readAtMost(
  response: Response,
  limit: number,
  onBytes?: (bytes: number) => void,
): Promise<{ text: string; complete: boolean }> {
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
      try {
        onBytes?.(read.value.byteLength);
      } catch (error) {
        await reader.cancel().catch(() => undefined);
        throw error;
      }
      chunks.push(read.value);
      size += read.value.byteLength;
    }
  }
  return { text: new TextDecoder().decode(Buffer.concat(chunks)), complete };
}
