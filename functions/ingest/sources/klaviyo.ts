// Klaviyo system webhooks: `Klaviyo-Signature` is the hex HMAC-SHA256 of the raw body followed by the
// `Klaviyo-Timestamp` header's value (an HTTP date in Klaviyo's example). One request carries up to 1,000
// events in `data[]`, each with its own `external_id`: every event is deduped and enqueued on its own.
// `meta.klaviyo_webhook_id` must equal `Klaviyo-Webhook-Id`; Klaviyo says a mismatch means tampering.
import type { OpaqueSourceConfig } from '../../shared/config/opaque-relay-config.ts';
import { getPath } from '../../shared/json/path.ts';
import { HttpError } from '../http-error.ts';
import { decodeDigest, matchesAnySecret } from './hmac.ts';
import { KLAVIYO_ORIGIN, type ReceivedEvent, type SourceAdapter } from './source-adapter.ts';
import { checkTimestamp } from './timestamp.ts';
import { eventTypeOf, scalarText } from './value-source.ts';

type KlaviyoSource = Extract<OpaqueSourceConfig, { kind: 'klaviyo' }>;

/** Klaviyo's documented maximum per request. */
export const MAX_KLAVIYO_EVENTS = 1_000;

export const klaviyo: SourceAdapter<KlaviyoSource> = {
  verify(request, secrets, config, nowMs) {
    const signature = request.headers['klaviyo-signature'];
    const timestamp = request.headers['klaviyo-timestamp'];
    if (!signature)
      return { ok: false, code: 'missing_signature', message: 'Klaviyo-Signature header is missing' };
    if (!timestamp)
      return { ok: false, code: 'missing_signature', message: 'Klaviyo-Timestamp header is missing' };
    const received = decodeDigest(signature, 'hex');
    if (!received || !matchesAnySecret(received, 'sha256', secrets, request.rawBody, timestamp)) {
      return { ok: false, code: 'invalid_signature', message: 'Klaviyo-Signature does not match the body' };
    }
    return checkTimestamp('Klaviyo-Timestamp', timestamp, nowMs, config.tolerance_seconds) ?? { ok: true };
  },

  events(request, body, config) {
    const webhookId = request.headers['klaviyo-webhook-id'];
    if (!webhookId) throw new HttpError(400, 'missing_webhook_id', 'Klaviyo-Webhook-Id header is missing');
    if (getPath(body, 'meta.klaviyo_webhook_id') !== webhookId) {
      throw new HttpError(
        401,
        'webhook_id_mismatch',
        'meta.klaviyo_webhook_id does not equal the Klaviyo-Webhook-Id header',
      );
    }
    const data = getPath(body, 'data');
    if (!Array.isArray(data)) throw new HttpError(400, 'no_events', 'the body has no data[] array');
    if (data.length > MAX_KLAVIYO_EVENTS) {
      throw new HttpError(
        400,
        'too_many_events',
        `${data.length} events; Klaviyo sends at most ${MAX_KLAVIYO_EVENTS}`,
      );
    }
    const shared: Record<string, string> = { ...KLAVIYO_ORIGIN, klaviyo_webhook_id: webhookId };
    const accountId = scalarText(getPath(body, 'meta.klaviyo_account_id'));
    if (accountId) shared.klaviyo_account_id = accountId;

    return data.map((item: unknown, index): ReceivedEvent => {
      const deliveryId = scalarText(getPath(item, 'external_id'));
      if (!deliveryId) throw new HttpError(400, 'missing_delivery_id', `data[${index}] has no external_id`);
      const topic = scalarText(getPath(item, 'topic'));
      const meta = topic ? { ...shared, klaviyo_topic: topic } : { ...shared };
      const eventType = eventTypeOf(config.event_type, request, item, topic) ?? 'klaviyo.event';
      return { deliveryId, eventType, meta, payload: getPath(item, 'payload') ?? null };
    });
  },
};
