// Reads a configured value (header, body path or constant) from a request.
import { createHash } from 'node:crypto';
import type { ValueSource } from '../../shared/config/source-verification.ts';
import { getPath } from '../../shared/json/path.ts';
import { HttpError } from '../http-error.ts';
import type { InboundRequest } from './source-adapter.ts';

export function readValue(source: ValueSource, request: InboundRequest, body: unknown): string | undefined {
  let value: unknown;
  if ('header' in source) value = request.headers[source.header];
  else if ('path' in source) value = getPath(body, source.path);
  else value = source.value;
  return scalarText(value);
}

/** A non-empty string or finite number as trimmed text; anything else is undefined. */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The delivery id of last resort: the same bytes resent are the same delivery. */
export function bodyHash(rawBody: Buffer): string {
  return `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
}

/** The configured delivery id, or the body hash when none is configured; 400 when configured but absent. */
export function configuredDeliveryId(
  source: ValueSource | undefined,
  request: InboundRequest,
  body: unknown,
): string {
  if (!source) return bodyHash(request.rawBody);
  const value = readValue(source, request, body);
  if (!value)
    throw new HttpError(
      400,
      'missing_delivery_id',
      `delivery id not found at ${describeValueSource(source)}`,
    );
  return value;
}

export function describeValueSource(source: ValueSource): string {
  if ('header' in source) return `header ${source.header}`;
  if ('path' in source) return `body path ${source.path}`;
  return 'a constant';
}

/** The event type from configuration, else the first of the fallbacks that holds text. */
export function eventTypeOf(
  configured: ValueSource | undefined,
  request: InboundRequest,
  body: unknown,
  ...fallbacks: unknown[]
): string | undefined {
  const fromConfig = configured && readValue(configured, request, body);
  if (fromConfig) return fromConfig;
  for (const candidate of fallbacks) {
    const text = scalarText(candidate);
    if (text) return text;
  }
  return undefined;
}

/** The configured delivery id when it comes in a header: what a request claims before it is verified. */
export function claimedHeaderValue(
  source: ValueSource | undefined,
  request: InboundRequest,
): string | undefined {
  return source && 'header' in source ? request.headers[source.header] : undefined;
}
