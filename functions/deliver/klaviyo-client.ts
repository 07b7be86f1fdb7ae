// Klaviyo's HTTP API: authentication, the revision header, timeouts, pacing, and the classification of every
// answer. 429 carries Retry-After; 401/403 (a bad or revoked key) are retried — never dropped — so the
// events wait for the key to be fixed; a 403 challenge page from the edge in front of Klaviyo (Cloudflare's
// `cf-mitigated: challenge`, an HTML page) is retried too, but counted apart from auth failures because no
// key rotation fixes it; other 4xx are permanent, with Klaviyo's error detail and pointer.
import type { KlaviyoSettings } from '../shared/config/klaviyo-settings.ts';
import { DeferredError, PermanentError, RetryableError, parseRetryAfter } from '../shared/stage/errors.ts';
import { RELAY_USER_AGENT } from '../shared/version.ts';
import type { LaneHold } from './lane-hold.ts';
import type { RatePacer, RateObservation } from './rate-pacer.ts';

export type Fetch = typeof fetch;

/** One answer (or failure to get one), for metrics. */
export interface KlaviyoCall {
  path: string;
  /** 0 when no answer came (timeout, network error). */
  status: number;
  latencyMs: number;
}

export interface KlaviyoClientOptions {
  settings: KlaviyoSettings;
  apiKey: () => Promise<string>;
  fetch?: Fetch;
  now?: () => number;
  /** Paces each endpoint; without it requests go at once (tests of classification). */
  pacer?: (path: string) => RatePacer;
  onCall?: (call: KlaviyoCall) => void;
}

export interface KlaviyoErrorObject {
  id?: string;
  status?: number;
  code?: string;
  title?: string;
  detail?: string;
  source?: { pointer?: string; parameter?: string };
}

function errorsOf(text: string): KlaviyoErrorObject[] {
  try {
    const parsed = JSON.parse(text) as { errors?: unknown };
    return Array.isArray(parsed.errors) ? (parsed.errors as KlaviyoErrorObject[]) : [];
  } catch {
    return [];
  }
}

function describe(errors: KlaviyoErrorObject[], fallback: string): string {
  const parts = errors.map((e) =>
    [e.code, e.detail ?? e.title, e.source?.pointer ?? e.source?.parameter].filter(Boolean).join(' · '),
  );
  return parts.length > 0 ? parts.join('; ') : fallback;
}

/** First integer in a RateLimit-* value (`"3500"`, or a structured form such as `"3500;w=60"`). */
function leadingNumber(value: string | null): number | undefined {
  const match = value === null ? null : /\d+/.exec(value);
  return match ? Number(match[0]) : undefined;
}

function observationOf(ticket: number, at: number, response: Response): RateObservation {
  const observation: RateObservation = { ticket, at, status: response.status };
  const limit = leadingNumber(response.headers.get('ratelimit-limit'));
  const remaining = leadingNumber(response.headers.get('ratelimit-remaining'));
  const reset = leadingNumber(response.headers.get('ratelimit-reset'));
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'), at);
  if (limit !== undefined) observation.limit = limit;
  if (remaining !== undefined) observation.remaining = remaining;
  if (reset !== undefined) observation.resetSeconds = reset;
  if (retryAfter !== undefined) observation.retryAfterSeconds = retryAfter;
  return observation;
}

/**
 * A 403 that an edge in front of Klaviyo answered with a bot challenge rather than Klaviyo with a JSON:API
 * error: Cloudflare marks it `cf-mitigated: challenge`, and Klaviyo's own errors are never HTML. Seen from
 * AWS Lambda's shared egress addresses; it passes, so it is retried rather than dead-lettered.
 */
function isEdgeChallenge(response: Response): boolean {
  if (response.status !== 403) return false;
  const mitigated = response.headers.get('cf-mitigated')?.trim().toLowerCase();
  const contentType = response.headers.get('content-type')?.trim().toLowerCase() ?? '';
  return mitigated === 'challenge' || contentType.startsWith('text/html');
}

/** A 4xx that will fail the same way again; `errors` is Klaviyo's error list (detail, pointer). */
export class KlaviyoRejection extends PermanentError {
  constructor(
    message: string,
    reason: string,
    readonly status: number,
    readonly errors: KlaviyoErrorObject[],
    detail: unknown,
  ) {
    super(message, reason, detail);
  }
}

export interface KlaviyoClient {
  /**
   * Sends once (paced when a pacer is given); resolves on 2xx with the answer (its body still readable: a bulk
   * job's id), throws a RetryableError or a KlaviyoRejection.
   */
  post(path: string, body: unknown, options?: { deadline?: number; hold?: LaneHold }): Promise<Response>;
}

/** Reads for what a write started (a bulk job and its errors). */
export interface KlaviyoReader {
  /**
   * GET once, answered and classified as post. `path` may be a link Klaviyo gave (`links.next`), then it must be
   * on the client's own origin: the API key goes nowhere else. `budget` names the endpoint whose pacer it uses
   * (the path template, as `/api/profile-bulk-import-jobs/{job_id}`), since one budget covers every job id.
   */
  get(path: string, options: { budget: string; deadline?: number }): Promise<Response>;
}

export function createKlaviyoClient(options: KlaviyoClientOptions): KlaviyoClient & KlaviyoReader {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const baseUrl = options.settings.base_url.replace(/\/+$/, '');

  function urlOf(path: string): string {
    if (path.startsWith('/')) return `${baseUrl}${path}`;
    if (new URL(path).origin !== new URL(baseUrl).origin)
      throw new KlaviyoRejection(
        `refused to follow ${path}: not on ${baseUrl}`,
        'klaviyo_foreign_link',
        0,
        [],
        path,
      );
    return path;
  }

  async function call(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    callOptions: { deadline?: number; budget?: string; hold?: LaneHold },
  ): Promise<Response> {
    const url = urlOf(path);
    const pacer = options.pacer?.(callOptions.budget ?? path);
    const payload = method === 'POST' ? JSON.stringify(body) : undefined;
    const key = await options.apiKey();
    const ticket = pacer ? await pacer.acquire(callOptions.deadline, callOptions.hold) : 0;
    const started = now();
    let response: Response;
    try {
      response = await doFetch(url, {
        method,
        headers: {
          authorization: `Klaviyo-API-Key ${key}`,
          revision: options.settings.revision,
          accept: 'application/vnd.api+json',
          ...(payload === undefined ? {} : { 'content-type': 'application/vnd.api+json' }),
          'user-agent': RELAY_USER_AGENT,
        },
        ...(payload === undefined ? {} : { body: payload }),
        signal: AbortSignal.timeout(options.settings.timeout_ms),
      });
    } catch (error) {
      pacer?.observe({ ticket, at: now() });
      options.onCall?.({ path, status: 0, latencyMs: now() - started });
      const reason = (error as Error).name === 'TimeoutError' ? 'klaviyo_timeout' : 'klaviyo_unreachable';
      throw new RetryableError(`${method} ${path} failed: ${(error as Error).message}`, reason, undefined, {
        cause: error,
      });
    }
    const at = now();
    pacer?.observe(observationOf(ticket, at, response));
    options.onCall?.({ path, status: response.status, latencyMs: at - started });
    if (response.ok) {
      // Read the body whole (so the connection can be reused) and hand it on: a job's id is in it.
      const text = await response.text().catch(() => '');
      return new Response(text === '' ? null : text, { status: response.status, headers: response.headers });
    }

    if (isEdgeChallenge(response)) {
      await response.arrayBuffer().catch(() => undefined);
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'), at);
      throw new RetryableError(
        `${method} ${path} answered ${response.status} with an edge challenge page (cf-mitigated: ${
          response.headers.get('cf-mitigated') ?? 'absent'
        }, content-type: ${response.headers.get('content-type') ?? 'absent'}), not a Klaviyo answer`,
        'klaviyo_challenge',
        retryAfter,
      );
    }
    const text = await response.text();
    const errors = errorsOf(text);
    const summary = `${method} ${path} answered ${response.status}: ${describe(errors, text.slice(0, 300))}`;
    if (response.status === 429) {
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'), at) ?? 1;
      // Not the message's failure: it waits for Klaviyo's budget like a paced deferral.
      throw new DeferredError(summary, 'klaviyo_throttled', retryAfter);
    }
    if (response.status === 401 || response.status === 403) {
      throw new RetryableError(summary, 'klaviyo_auth');
    }
    if (response.status >= 500 || response.status === 408) {
      throw new RetryableError(summary, `klaviyo_${response.status}`);
    }
    throw new KlaviyoRejection(
      summary,
      `klaviyo_${response.status}`,
      response.status,
      errors,
      errors.length > 0 ? errors : text.slice(0, 1000),
    );
  }

  return {
    post: (path, body, postOptions = {}) => call('POST', path, body, postOptions),
    get: (path, getOptions) => call('GET', path, undefined, getOptions),
  };
}
