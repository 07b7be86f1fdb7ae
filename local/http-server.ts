// Tiny helpers shared by local mode's HTTP servers (API Gateway stand-in, demo source API). Every server they
// start answers loopback names only (./loopback-only.ts).
import { randomUUID } from 'node:crypto';
import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { nonLoopbackMessage, nonLoopbackReason } from './loopback-only.ts';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The most header bytes a request may carry: API Gateway HTTP API's quota for the request line and headers
 * (10,240 bytes). Node counts the whole header block against it, so this is close to AWS, not exact.
 */
export const MAX_HEADER_BYTES = 10_240;

/** How long a refused connection may keep sending (its body is read and dropped) before it is closed. */
const REFUSED_DRAIN_MS = 5_000;

/**
 * Answers a request Node's parser refused before any handler saw it, in the project's error shape: 431 for
 * headers over MAX_HEADER_BYTES, 400 for anything else malformed. Node's own answer is an empty 431/400 and
 * an immediate destroy, which resets the connection (losing even that answer) when the sender is still
 * writing its body; so the rest of the request is read and dropped until the sender closes.
 */
const refused = new WeakSet<Socket>();

function answerClientError(error: NodeJS.ErrnoException, socket: Socket) {
  // Node's parser keeps reporting each further chunk of a refused request: answer once.
  if (refused.has(socket)) return;
  refused.add(socket);
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = JSON.stringify(
    status === 431
      ? {
          code: 'headers_too_large',
          message: `request headers are over ${MAX_HEADER_BYTES} bytes`,
          request_id: randomUUID(),
        }
      : { code: 'bad_request', message: 'the request is not valid HTTP/1.1', request_id: randomUUID() },
  );
  // Detach Node's parser (a 'data' listener) and drop the rest of the request ourselves.
  socket.removeAllListeners('data');
  socket.on('data', () => undefined);
  socket.on('end', () => socket.destroy());
  setTimeout(() => socket.destroy(), REFUSED_DRAIN_MS).unref();
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

export async function listen(handler: RequestHandler, port = 0, host = '127.0.0.1'): Promise<RunningServer> {
  const server: Server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    // DNS rebinding (./loopback-only.ts): refused before any handler reads the request.
    const refusal = nonLoopbackReason({ host: req.headers.host, origin: req.headers.origin });
    if (refusal !== undefined) {
      req.resume();
      sendJson(res, 403, {
        code: 'host_not_allowed',
        message: nonLoopbackMessage(refusal),
        request_id: randomUUID(),
      });
      return;
    }
    handler(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { code: 'local_server_error', message: String(error) });
      else res.end();
    });
  });
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
