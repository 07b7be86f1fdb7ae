// The sender's side of each signature scheme, for `relay send` and `npm run send` (./send-sample.ts), the
// benchmarks and the tests: builds the headers a real sender would put on a request. (Verification lives in
// functions/ingest/sources/.)
import { createHmac, randomUUID } from 'node:crypto';
import type { SourceConfig } from '../functions/shared/config/relay-config.ts';
import { standardWebhooksKey } from '../functions/ingest/sources/standard-webhooks.ts';

export interface SignOptions {
  deliveryId?: string;
  eventType?: string;
  /** When the sender signs; default now. Tests move it to make stale requests. */
  timestampMs?: number;
}

const unixSeconds = (ms: number) => String(Math.floor(ms / 1000));

/** Klaviyo's system webhooks must name the webhook id the body's meta carries. */
function klaviyoWebhookId(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { meta?: { klaviyo_webhook_id?: unknown } };
    const id = parsed.meta?.klaviyo_webhook_id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

export function signedHeaders(
  source: SourceConfig,
  body: Buffer,
  secret: string,
  options: SignOptions = {},
): Record<string, string> {
  const deliveryId = options.deliveryId ?? randomUUID();
  const nowMs = options.timestampMs ?? Date.now();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const hmac = (algorithm: string, key: string | Buffer, ...parts: (string | Buffer)[]) => {
    const mac = createHmac(algorithm, key);
    for (const part of parts) mac.update(part);
    return mac;
  };
  const setDeliveryIdHeader = (source: { delivery_id?: { header: string } | object | undefined }) => {
    if (source.delivery_id && 'header' in source.delivery_id) headers[source.delivery_id.header] = deliveryId;
  };
  const setEventTypeHeader = (fallback: string) => {
    if (source.event_type && 'header' in source.event_type)
      headers[source.event_type.header] = options.eventType ?? fallback;
  };

  switch (source.kind) {
    case 'shopify':
      headers['x-shopify-hmac-sha256'] = hmac('sha256', secret, body).digest('base64');
      headers['x-shopify-event-id'] = deliveryId;
      headers['x-shopify-topic'] = options.eventType ?? 'orders/create';
      headers['x-shopify-triggered-at'] = new Date(nowMs).toISOString();
      break;
    case 'stripe': {
      // The event id is in the body; Stripe's header carries only the timestamp and signature.
      const t = unixSeconds(nowMs);
      headers['stripe-signature'] = `t=${t},v1=${hmac('sha256', secret, `${t}.`, body).digest('hex')}`;
      break;
    }
    case 'standard-webhooks': {
      const key = standardWebhooksKey(secret);
      if (!key) throw new Error('a Standard Webhooks secret is base64, optionally prefixed whsec_');
      const t = unixSeconds(nowMs);
      headers['webhook-id'] = deliveryId;
      headers['webhook-timestamp'] = t;
      headers['webhook-signature'] =
        `v1,${hmac('sha256', key, `${deliveryId}.${t}.`, body).digest('base64')}`;
      break;
    }
    case 'klaviyo': {
      const timestamp = new Date(nowMs).toUTCString();
      headers['klaviyo-timestamp'] = timestamp;
      headers['klaviyo-signature'] = hmac('sha256', secret, body, timestamp).digest('hex');
      headers['klaviyo-webhook-id'] = klaviyoWebhookId(body) ?? deliveryId;
      break;
    }
    case 'klaviyo-flow':
      headers[source.secret_header] = secret;
      setDeliveryIdHeader(source);
      setEventTypeHeader('flow.webhook');
      break;
    case 'bigcommerce':
      headers[source.secret_header] = secret;
      break;
    case 'woocommerce':
      headers['x-wc-webhook-signature'] = hmac('sha256', secret, body).digest('base64');
      headers['x-wc-webhook-delivery-id'] = deliveryId;
      headers['x-wc-webhook-topic'] = options.eventType ?? 'order.created';
      break;
    case 'zendesk': {
      const timestamp = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
      headers['x-zendesk-webhook-signature-timestamp'] = timestamp;
      headers['x-zendesk-webhook-signature'] = hmac('sha256', secret, timestamp, body).digest('base64');
      headers['x-zendesk-webhook-invocation-id'] = deliveryId;
      break;
    }
    case 'generic-hmac': {
      const { header, algorithm, encoding, prefix, timestamp_header, signed_content } = source.signature;
      const timestamp = unixSeconds(nowMs);
      const [before = '', after = ''] = signed_content.split('{body}');
      const fill = (text: string) => text.replaceAll('{timestamp}', timestamp);
      headers[header] = prefix + hmac(algorithm, secret, fill(before), body, fill(after)).digest(encoding);
      if (timestamp_header) headers[timestamp_header] = timestamp;
      setDeliveryIdHeader(source);
      setEventTypeHeader('order.created');
      break;
    }
    case 'token':
      headers[source.header] =
        source.scheme === 'bearer' ? `Bearer ${secret}` : `Basic ${Buffer.from(secret).toString('base64')}`;
      setDeliveryIdHeader(source);
      setEventTypeHeader('order.created');
      break;
  }
  return headers;
}
