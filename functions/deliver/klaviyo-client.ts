// Klaviyo's HTTP API: authentication, the revision header, timeouts, and the classification of every
// answer. 429 carries Retry-After; 401/403 (a bad or revoked key) are retried — never dropped — so the
// events wait for the key to be fixed; other 4xx are permanent, with Klaviyo's error detail and pointer.
import type { KlaviyoSettings } from '../shared/config.ts';
import { PermanentError, RetryableError, parseRetryAfter } from '../shared/errors.ts';

export type Fetch = typeof fetch;

export interface KlaviyoClientOptions {
  settings: KlaviyoSettings;
  apiKey: () => Promise<string>;
  fetch?: Fetch;
  now?: () => number;
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
    [e.code, e.detail ?? e.title, e.source?.pointer].filter(Boolean).join(' · '),
  );
  return parts.length > 0 ? parts.join('; ') : fallback;
}

export interface KlaviyoClient {
  post(path: string, body: unknown): Promise<Response>;
}

export function createKlaviyoClient(options: KlaviyoClientOptions): KlaviyoClient {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const baseUrl = options.settings.base_url.replace(/\/+$/, '');

  return {
    async post(path, body) {
      const url = `${baseUrl}${path}`;
      let response: Response;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers: {
            authorization: `Klaviyo-API-Key ${await options.apiKey()}`,
            revision: options.settings.revision,
            accept: 'application/vnd.api+json',
            'content-type': 'application/vnd.api+json',
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(options.settings.timeout_ms),
        });
      } catch (error) {
        const reason = (error as Error).name === 'TimeoutError' ? 'klaviyo_timeout' : 'klaviyo_unreachable';
        throw new RetryableError(`POST ${path} failed: ${(error as Error).message}`, reason, undefined, {
          cause: error,
        });
      }
      if (response.ok) return response;

      const text = await response.text();
      const errors = errorsOf(text);
      const summary = `POST ${path} answered ${response.status}: ${describe(errors, text.slice(0, 300))}`;
      if (response.status === 429) {
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'), now()) ?? 1;
        throw new RetryableError(summary, 'klaviyo_throttled', retryAfter);
      }
      if (response.status === 401 || response.status === 403) {
        throw new RetryableError(summary, 'klaviyo_auth');
      }
      if (response.status >= 500 || response.status === 408) {
        throw new RetryableError(summary, `klaviyo_${response.status}`);
      }
      throw new PermanentError(
        summary,
        `klaviyo_${response.status}`,
        errors.length > 0 ? errors : text.slice(0, 1000),
      );
    },
  };
}
