// Reading a request body within a limit and writing a JSON answer, for the mock's server and its control
// endpoints.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What the mock reads of a body to an operation whose payload limit Klaviyo does not state (its own cap). */
export const UNSTATED_BODY_CAP_BYTES = 10 * 1024 * 1024;

export interface Body {
  bytes: Buffer;
  tooLarge: boolean;
}

/** Reads the whole body, keeping at most `limit` bytes (the rest is drained so the connection stays usable). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) over = true;
    else chunks.push(chunk);
  }
  return { bytes: over ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge: over };
}

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
  contentType = 'application/vnd.api+json',
): void {
  if (res.headersSent || res.destroyed) return;
  const payload =
    body === undefined ? '' : JSON.stringify(body, null, contentType === 'application/json' ? 2 : 0);
  res.writeHead(status, {
    ...headers,
    ...(body === undefined ? {} : { 'Content-Type': contentType }),
    'Content-Length': String(Buffer.byteLength(payload)),
  });
  res.end(payload);
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
