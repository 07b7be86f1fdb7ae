// Middleware that runs before any parsing: find the source, bound the body, answer a sender's ping, and
// check the sender's signature on the exact raw bytes (base64-decoded when API Gateway encoded them). The
// JSON body parser that follows replaces the body, so everything that needs the raw bytes happens here.
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { OpaqueRelayConfig, OpaqueSourceConfig } from '../shared/config/opaque-relay-config.ts';
import type { SourceRefusals } from '../shared/config/document-validation.ts';
import type { LoadConfig } from '../shared/config/loader.ts';
import type { ResolveSecret } from '../shared/secrets.ts';
import { HttpError } from './http-error.ts';
import { jsonResponse } from './http-response.ts';
import { adapterFor } from './sources/index.ts';
import type { InboundRequest } from './sources/source-adapter.ts';

export interface VerifiedWebhook {
  sourceName: string;
  source: OpaqueSourceConfig;
  config: OpaqueRelayConfig;
  request: InboundRequest;
}

export interface IngestContext extends Context {
  webhook?: VerifiedWebhook;
  /**
   * `<source>:<delivery id>` as the request's headers claim it, unverified: set before the checks, so a rejected
   * request is logged under the correlation id a trace searches for.
   */
  claimedCorrelationId?: string;
}

/** Retry-After for a source whose part is refused: a minute, short of the loader's reread of 5 minutes. */
export const SOURCE_REFUSED_RETRY_AFTER_SECONDS = 60;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function lowerCaseHeaders(headers: APIGatewayProxyEventV2['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    if (value !== undefined) out[name.toLowerCase()] = value;
  return out;
}

export function verifyWebhook(deps: {
  loadConfig: LoadConfig<OpaqueRelayConfig & SourceRefusals>;
  resolveSecret: ResolveSecret;
  now: () => number;
  /** Told about requests answered without enqueueing (pings), for logs and metrics. */
  onAcknowledged?: (sourceName: string, code: string) => void;
  /** Told about each secret reference that could not be read (the request may still verify with another). */
  onSecretUnavailable?: (sourceName: string, error: unknown) => void;
  /** Told about each request to a source whose part of the document is refused (answered 503). */
  onSourceRefused?: (sourceName: string) => void;
}): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, IngestContext> {
  return {
    name: 'verifyWebhook',
    before: async (request) => {
      const { event } = request;
      const method = event.requestContext.http.method.toUpperCase();
      if (method !== 'POST') {
        throw new HttpError(405, 'method_not_allowed', `${method} is not allowed; send POST`, {
          allow: 'POST',
        });
      }
      const config = await deps.loadConfig();
      const sourceName = event.pathParameters?.source ?? '';
      const source = Object.hasOwn(config.sources, sourceName) ? config.sources[sourceName] : undefined;
      // A configured source whose part is refused cannot be verified: the sender is asked to retry (its webhook
      // is not lost), while every other source is served.
      if (!source && config.refused_sources && Object.hasOwn(config.refused_sources, sourceName)) {
        deps.onSourceRefused?.(sourceName);
        throw new HttpError(
          503,
          'source_config_invalid',
          `the configuration of source "${sourceName}" is invalid; retry later`,
          { 'retry-after': String(SOURCE_REFUSED_RETRY_AFTER_SECONDS) },
        );
      }
      if (!source)
        throw new HttpError(404, 'unknown_source', `no source named "${sourceName}" is configured`);

      const rawBody = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
      const limit = source.max_body_bytes ?? config.ingest.max_body_bytes;
      if (rawBody.length > limit) {
        throw new HttpError(413, 'body_too_large', `body is ${rawBody.length} bytes; the limit is ${limit}`);
      }

      const inbound: InboundRequest = { headers: lowerCaseHeaders(event.headers), rawBody };
      const adapter = adapterFor(source);
      const claimed = adapter.claimedDeliveryId?.(inbound, source);
      if (claimed) request.context.claimedCorrelationId = `${sourceName}:${claimed.slice(0, 512)}`;
      // A sender's set-up ping carries no event: answered here, before the JSON parser would refuse its
      // content type, and never enqueued.
      const ack = adapter.acknowledge?.(inbound, source);
      if (ack) {
        deps.onAcknowledged?.(sourceName, ack.code);
        const requestId = event.requestContext.requestId || request.context.awsRequestId;
        return jsonResponse(200, { code: ack.code, message: ack.message, request_id: requestId });
      }

      // Each reference is read on its own: one that cannot be read (a deleted rotation secret, an SSM hiccup)
      // must not fail a request another configured secret verifies. Only when nothing verified and a secret
      // was unreadable is the answer 5xx (that secret might have matched; the sender retries); a mismatch
      // against every configured secret is a 401.
      const settled = await Promise.allSettled(source.secrets.map(deps.resolveSecret));
      const secrets = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      const unreadable = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
      for (const error of unreadable) deps.onSecretUnavailable?.(sourceName, error);
      const verdict = adapter.verify(inbound, secrets, source, deps.now());
      if (!verdict.ok) {
        // missing_signature depends on the request alone, and stale_timestamp means a readable secret verified
        // the signature: those refusals stand whatever could not be read.
        if (unreadable.length > 0 && verdict.code === 'invalid_signature') throw unreadable[0];
        throw new HttpError(401, verdict.code, verdict.message);
      }

      try {
        utf8.decode(rawBody);
      } catch {
        throw new HttpError(400, 'invalid_encoding', 'body is not valid UTF-8');
      }
      request.context.webhook = { sourceName, source, config, request: inbound };
    },
  };
}
