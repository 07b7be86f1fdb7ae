// The sender's side of each signature scheme, for `npm run send` and the tests: builds the headers a
// real sender would put on a request. (Verification lives in functions/ingest/sources/.)
import { createHmac, randomUUID } from 'node:crypto';
import type { SourceConfig } from '../functions/shared/config.ts';

export interface SignOptions {
  deliveryId?: string;
  eventType?: string;
}

export function signedHeaders(
  source: SourceConfig,
  body: Buffer,
  secret: string,
  options: SignOptions = {},
): Record<string, string> {
  const deliveryId = options.deliveryId ?? randomUUID();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  switch (source.kind) {
    case 'shopify':
      headers['x-shopify-hmac-sha256'] = createHmac('sha256', secret).update(body).digest('base64');
      headers['x-shopify-event-id'] = deliveryId;
      headers['x-shopify-topic'] = options.eventType ?? 'orders/create';
      headers['x-shopify-triggered-at'] = new Date().toISOString();
      break;
    case 'generic-hmac': {
      const { header, algorithm, encoding, prefix } = source.signature;
      headers[header] = prefix + createHmac(algorithm, secret).update(body).digest(encoding);
      if (source.delivery_id && 'header' in source.delivery_id)
        headers[source.delivery_id.header] = deliveryId;
      if (source.event_type && 'header' in source.event_type) {
        headers[source.event_type.header] = options.eventType ?? 'order.created';
      }
      break;
    }
  }
  return headers;
}
