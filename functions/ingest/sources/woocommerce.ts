// WooCommerce: `X-WC-Webhook-Signature` is the base64 HMAC-SHA256 of the raw body under the webhook's
// secret; `X-WC-Webhook-Delivery-ID` identifies the delivery. When a webhook is created or its URL
// changed, WooCommerce first POSTs an unsigned, form-encoded `webhook_id=<n>` ping and disables the
// webhook unless it gets a 2xx: that ping is answered 200 and never enqueued.
import type { OpaqueSourceConfig } from '../../shared/config/opaque-relay-config.ts';
import { HttpError } from '../http-error.ts';
import { decodeDigest, matchesAnySecret } from './hmac.ts';
import type { SourceAdapter } from './source-adapter.ts';
import { eventTypeOf } from './value-source.ts';

type WooCommerceSource = Extract<OpaqueSourceConfig, { kind: 'woocommerce' }>;

const PING = /^webhook_id=\d{1,20}$/;
const META_HEADERS = {
  topic: 'x-wc-webhook-topic',
  resource: 'x-wc-webhook-resource',
  event: 'x-wc-webhook-event',
  webhook_id: 'x-wc-webhook-id',
  source_url: 'x-wc-webhook-source',
} as const;

export const woocommerce: SourceAdapter<WooCommerceSource> = {
  acknowledge(request) {
    // Only the exact ping shape: anything else goes through verification like any request.
    if (request.rawBody.length > 40 || !PING.test(request.rawBody.toString('latin1'))) return undefined;
    return { code: 'ping', message: 'WooCommerce webhook ping acknowledged; nothing was enqueued' };
  },

  verify(request, secrets) {
    const header = request.headers['x-wc-webhook-signature'];
    if (!header)
      return { ok: false, code: 'missing_signature', message: 'X-WC-Webhook-Signature header is missing' };
    const received = decodeDigest(header, 'base64');
    if (received && matchesAnySecret(received, 'sha256', secrets, request.rawBody)) return { ok: true };
    return {
      ok: false,
      code: 'invalid_signature',
      message: 'X-WC-Webhook-Signature does not match the body',
    };
  },

  claimedDeliveryId: (request) => request.headers['x-wc-webhook-delivery-id'],

  events(request, body, config) {
    const deliveryId = request.headers['x-wc-webhook-delivery-id'];
    if (!deliveryId)
      throw new HttpError(400, 'missing_delivery_id', 'X-WC-Webhook-Delivery-ID header is missing');
    const meta: Record<string, string> = {};
    for (const [key, header] of Object.entries(META_HEADERS)) {
      const value = request.headers[header];
      if (value) meta[key] = value;
    }
    const eventType = eventTypeOf(config.event_type, request, body, meta.topic) ?? 'woocommerce/webhook';
    return [{ deliveryId, eventType, meta, payload: body }];
  },
};
