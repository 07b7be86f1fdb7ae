// Local stand-in for the HTTP API: routes `POST /webhooks/{source}` to the ingest handler with an
// API Gateway payload-2.0 event, as AWS builds it (lower-case headers; body as text for textual UTF-8
// content, else base64 with isBase64Encoded), and writes the handler's result back.
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { listen, readBody, sendJson, type RunningServer } from './http-server.ts';
import { lambdaContext } from './lambda-context.ts';

export type HttpLambda = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

const ROUTE = /^\/webhooks\/([^/]+)$/;
const TEXTUAL = /^(text\/|application\/([a-z0-9.+-]+\+)?(json|xml|x-www-form-urlencoded))/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(bytes: Buffer): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Local mode's own GET endpoints beside the webhook route (e.g. /_relay/status): path → JSON answer. */
export type LocalRoutes = Readonly<Record<string, () => Promise<unknown>>>;

export function startApiGateway(
  ingest: HttpLambda,
  port = 0,
  routes: LocalRoutes = {},
): Promise<RunningServer> {
  return listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const local =
      req.method === 'GET' && Object.hasOwn(routes, url.pathname) ? routes[url.pathname] : undefined;
    if (local) return sendJson(res, 200, await local());
    const match = ROUTE.exec(url.pathname);
    // Like API Gateway: anything but the one route is "Not Found" and never reaches the function.
    if (!match || req.method !== 'POST') return sendJson(res, 404, { message: 'Not Found' });
    const requestId = randomUUID();
    let source: string;
    try {
      source = decodeURIComponent(match[1] ?? '');
    } catch {
      // `%` not followed by two hex digits (`/webhooks/sh%op`): the sender's mistake, not our failure.
      req.resume();
      return sendJson(res, 400, {
        code: 'malformed_path',
        message: `the path ${url.pathname} has a malformed percent-escape`,
        request_id: requestId,
      });
    }

    const body = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
    }
    const asText = TEXTUAL.test(headers['content-type'] ?? '') && isUtf8(body);
    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey: 'POST /webhooks/{source}',
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      pathParameters: { source },
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: headers.host ?? 'localhost',
        domainPrefix: 'local',
        http: {
          method: req.method,
          path: url.pathname,
          protocol: 'HTTP/1.1',
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId,
        routeKey: 'POST /webhooks/{source}',
        stage: '$default',
        time: new Date().toUTCString(),
        timeEpoch: Date.now(),
      },
      body: asText ? body.toString('utf8') : body.toString('base64'),
      isBase64Encoded: !asText,
    };
    const result = await ingest(event, lambdaContext('ingest', requestId));
    const responseHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(result.headers ?? {})) responseHeaders[name] = String(value);
    res.writeHead(result.statusCode ?? 200, responseHeaders);
    res.end(result.body ?? '');
  }, port);
}
