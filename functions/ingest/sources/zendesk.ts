// Zendesk: `X-Zendesk-Webhook-Signature` is the base64 HMAC-SHA256 of the
// `X-Zendesk-Webhook-Signature-Timestamp` value (ISO 8601) followed directly by the raw body. The
// invocation id stays the same across the attempts of one invocation; events also carry an `id`.
import type { OpaqueSourceConfig } from '../../shared/config/opaque-relay-config.ts';
import { getPath } from '../../shared/json/path.ts';
import { HttpError } from '../http-error.ts';
import { decodeDigest, matchesAnySecret } from './hmac.ts';
import type { SourceAdapter } from './source-adapter.ts';
import { checkTimestamp } from './timestamp.ts';
import { eventTypeOf, scalarText } from './value-source.ts';

type ZendeskSource = Extract<OpaqueSourceConfig, { kind: 'zendesk' }>;

const SIGNATURE = 'x-zendesk-webhook-signature';
const TIMESTAMP = 'x-zendesk-webhook-signature-timestamp';

export const zendesk: SourceAdapter<ZendeskSource> = {
  verify(request, secrets, config, nowMs) {
    const signature = request.headers[SIGNATURE];
    const timestamp = request.headers[TIMESTAMP];
    if (!signature)
      return {
        ok: false,
        code: 'missing_signature',
        message: 'X-Zendesk-Webhook-Signature header is missing',
      };
    if (!timestamp) {
      return {
        ok: false,
        code: 'missing_signature',
        message: 'X-Zendesk-Webhook-Signature-Timestamp header is missing',
      };
    }
    const received = decodeDigest(signature, 'base64');
    if (!received || !matchesAnySecret(received, 'sha256', secrets, timestamp, request.rawBody)) {
      return {
        ok: false,
        code: 'invalid_signature',
        message: 'X-Zendesk-Webhook-Signature does not match the body',
      };
    }
    return (
      checkTimestamp('X-Zendesk-Webhook-Signature-Timestamp', timestamp, nowMs, config.tolerance_seconds) ?? {
        ok: true,
      }
    );
  },

  claimedDeliveryId: (request) => request.headers['x-zendesk-webhook-invocation-id'],

  events(request, body, config) {
    const deliveryId = request.headers['x-zendesk-webhook-invocation-id'] ?? scalarText(getPath(body, 'id'));
    if (!deliveryId) {
      throw new HttpError(
        400,
        'missing_delivery_id',
        'neither X-Zendesk-Webhook-Invocation-Id nor a body id is present',
      );
    }
    const meta: Record<string, string> = {};
    const accountId = request.headers['x-zendesk-account-id'];
    const webhookId = request.headers['x-zendesk-webhook-id'];
    if (accountId) meta.account_id = accountId;
    if (webhookId) meta.webhook_id = webhookId;
    const eventType =
      eventTypeOf(config.event_type, request, body, getPath(body, 'type')) ?? 'zendesk/webhook';
    return [{ deliveryId, eventType, meta, payload: body }];
  },
};
