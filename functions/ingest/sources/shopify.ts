// Shopify: `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of the raw body under the app's secret.
// `X-Shopify-Event-Id` stays the same across retries of one event (`X-Shopify-Webhook-Id` on older APIs).
import { HttpError } from '../http-error.ts';
import { decodeDigest, matchesAnySecret } from './hmac.ts';
import type { SourceAdapter } from './source-adapter.ts';
import { eventTypeOf } from './value-source.ts';
import type { OpaqueSourceConfig } from '../../shared/config/opaque-relay-config.ts';

type ShopifySource = Extract<OpaqueSourceConfig, { kind: 'shopify' }>;

const META_HEADERS = {
  topic: 'x-shopify-topic',
  shop_domain: 'x-shopify-shop-domain',
  api_version: 'x-shopify-api-version',
  webhook_id: 'x-shopify-webhook-id',
  triggered_at: 'x-shopify-triggered-at',
} as const;

export const shopify: SourceAdapter<ShopifySource> = {
  verify(request, secrets) {
    const header = request.headers['x-shopify-hmac-sha256'];
    if (!header)
      return { ok: false, code: 'missing_signature', message: 'X-Shopify-Hmac-Sha256 header is missing' };
    const received = decodeDigest(header, 'base64');
    if (received && matchesAnySecret(received, 'sha256', secrets, request.rawBody)) return { ok: true };
    return { ok: false, code: 'invalid_signature', message: 'X-Shopify-Hmac-Sha256 does not match the body' };
  },

  claimedDeliveryId: (request) =>
    request.headers['x-shopify-event-id'] ?? request.headers['x-shopify-webhook-id'],

  events(request, body, config) {
    const deliveryId = request.headers['x-shopify-event-id'] ?? request.headers['x-shopify-webhook-id'];
    if (!deliveryId) {
      throw new HttpError(
        400,
        'missing_delivery_id',
        'X-Shopify-Event-Id (or X-Shopify-Webhook-Id) header is missing',
      );
    }
    const meta: Record<string, string> = {};
    for (const [key, header] of Object.entries(META_HEADERS)) {
      const value = request.headers[header];
      if (value) meta[key] = value;
    }
    const eventType = eventTypeOf(config.event_type, request, body, meta.topic) ?? 'shopify/webhook';
    return [{ deliveryId, eventType, meta, payload: body }];
  },
};
