// Klaviyo's JSON:API error document, `{ errors: [{ id, status, code, title, detail, source }] }`, and the
// handful of errors the mock answers with. Codes follow what Klaviyo's API returns.
import { randomUUID } from 'node:crypto';

export interface ErrorSource {
  pointer?: string;
  parameter?: string;
}

export interface KlaviyoError {
  id: string;
  status: number;
  code: string;
  title: string;
  detail: string;
  source: ErrorSource;
  meta?: Record<string, unknown>;
}

export interface KlaviyoErrorDocument {
  errors: KlaviyoError[];
}

/** A failure to answer with: the status, the error document, and extra response headers. */
export class MockHttpError extends Error {
  readonly status: number;
  readonly document: KlaviyoErrorDocument;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    error: Omit<KlaviyoError, 'id' | 'status'>,
    headers: Record<string, string> = {},
  ) {
    super(`${status} ${error.code}: ${error.detail}`);
    this.name = 'MockHttpError';
    this.status = status;
    this.document = { errors: [{ id: randomUUID(), status, ...error }] };
    this.headers = headers;
  }

  get code(): string {
    return this.document.errors[0]?.code ?? 'error';
  }
}

export const invalid = (detail: string, pointer: string, title = 'Invalid input.'): MockHttpError =>
  new MockHttpError(400, { code: 'invalid', title, detail, source: { pointer } });

export const notAuthenticated = (detail: string): MockHttpError =>
  new MockHttpError(401, {
    code: 'not_authenticated',
    title: 'Authentication credentials were not provided.',
    detail,
    source: { pointer: '/data/' },
  });

export const authenticationFailed = (): MockHttpError =>
  new MockHttpError(401, {
    code: 'authentication_failed',
    title: 'Incorrect authentication credentials.',
    detail: 'Incorrect authentication credentials.',
    source: { pointer: '/data/' },
  });

export const badRevision = (detail: string): MockHttpError =>
  new MockHttpError(400, {
    code: 'invalid',
    title: 'Invalid input.',
    detail,
    source: { parameter: 'revision' },
  });

export const unsupportedMediaType = (contentType: string): MockHttpError =>
  new MockHttpError(415, {
    code: 'unsupported_media_type',
    title: 'Unsupported media type.',
    detail: `Unsupported media type "${contentType}" in request. Send application/vnd.api+json.`,
    source: { pointer: '/data/' },
  });

export const parseError = (detail: string): MockHttpError =>
  new MockHttpError(400, {
    code: 'parse_error',
    title: 'Malformed request.',
    detail: `JSON parse error - ${detail}`,
    source: { pointer: '/data/' },
  });

export const tooLarge = (limitBytes: number): MockHttpError =>
  new MockHttpError(413, {
    code: 'request_too_large',
    title: 'Request entity too large.',
    detail: `The payload exceeds the ${limitBytes}-byte limit of this endpoint.`,
    source: { pointer: '/data/' },
  });

export const notFound = (path: string): MockHttpError =>
  new MockHttpError(404, {
    code: 'not_found',
    title: 'Not found.',
    detail: `No endpoint at ${path}.`,
    source: { pointer: '/data/' },
  });

export const methodNotAllowed = (method: string, allowed: string): MockHttpError =>
  new MockHttpError(
    405,
    {
      code: 'method_not_allowed',
      title: 'Method not allowed.',
      detail: `Method "${method}" not allowed.`,
      source: { pointer: '/data/' },
    },
    { Allow: allowed },
  );

export const conflict = (detail: string, duplicateProfileId: string): MockHttpError =>
  new MockHttpError(409, {
    code: 'duplicate_profile',
    title: 'Conflict.',
    detail,
    source: { pointer: '/data/attributes' },
    meta: { duplicate_profile_id: duplicateProfileId },
  });

export const throttled = (retryAfterSeconds: number, headers: Record<string, string>): MockHttpError =>
  new MockHttpError(
    429,
    {
      code: 'throttled',
      title: 'Request was throttled.',
      detail: `Request was throttled. Expected available in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}.`,
      source: { pointer: '/data/' },
    },
    { 'Retry-After': String(retryAfterSeconds), ...headers },
  );

const INJECTED_CODES: Record<number, string> = {
  400: 'invalid',
  401: 'not_authenticated',
  403: 'permission_denied',
  404: 'not_found',
  409: 'conflict',
  413: 'request_too_large',
  415: 'unsupported_media_type',
};

/** An injected status, with the error code Klaviyo uses for it (`error` for 5xx and anything else). */
export const injected = (status: number, headers: Record<string, string>): MockHttpError => {
  if (status === 429) return throttled(Number(headers['Retry-After'] ?? 1), headers);
  const serverSide = status >= 500;
  return new MockHttpError(
    status,
    {
      code: INJECTED_CODES[status] ?? 'error',
      title: serverSide ? 'A server error occurred.' : 'Request failed.',
      detail: `Injected fault: status ${status}.`,
      source: { pointer: '/data/' },
    },
    headers,
  );
};

/** A bad query parameter (`source.parameter` names it). */
export const invalidParameter = (parameter: string, detail: string): MockHttpError =>
  new MockHttpError(400, { code: 'invalid', title: 'Invalid input.', detail, source: { parameter } });

export const jobNotFound = (id: string): MockHttpError =>
  new MockHttpError(404, {
    code: 'not_found',
    title: 'Not found.',
    detail: `No bulk profile import job with id '${id}'.`,
    source: { parameter: 'id' },
  });
