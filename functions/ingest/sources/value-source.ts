// Reads a configured value (header, body path or constant) from a request.
import { createHash } from 'node:crypto';
import type { ValueSource } from '../../shared/config.ts';
import { getPath } from '../../shared/json-path.ts';
import type { InboundRequest } from './source-adapter.ts';

export function readValue(source: ValueSource, request: InboundRequest, body: unknown): string | undefined {
  let value: unknown;
  if ('header' in source) value = request.headers[source.header];
  else if ('path' in source) value = getPath(body, source.path);
  else value = source.value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The delivery id of last resort: the same bytes resent are the same delivery. */
export function bodyHash(rawBody: Buffer): string {
  return `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
}
