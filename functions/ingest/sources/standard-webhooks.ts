// Standard Webhooks (standardwebhooks.com; Svix and the senders that follow it): `webhook-signature`
// holds space-separated `v1,<base64>` entries, each an HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<raw
// body>` under the key that the `whsec_…` secret encodes in base64. `webhook-id` is stable across retries.
import type { OpaqueSourceConfig } from '../../shared/config/opaque-relay-config.ts';
import { getPath } from '../../shared/json/path.ts';
import { HttpError } from '../http-error.ts';
import { anyDigestMatches, decodeDigest } from './hmac.ts';
import type { SourceAdapter } from './source-adapter.ts';
import { checkTimestamp } from './timestamp.ts';
import { eventTypeOf } from './value-source.ts';

type StandardWebhooksSource = Extract<OpaqueSourceConfig, { kind: 'standard-webhooks' }>;

const SECRET_PREFIX = 'whsec_';

/** The HMAC key a `whsec_…` secret stands for; undefined when the secret is not base64. */
export function standardWebhooksKey(secret: string): Buffer | undefined {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return decodeDigest(encoded, 'base64');
}

export const standardWebhooks: SourceAdapter<StandardWebhooksSource> = {
  verify(request, secrets, config, nowMs) {
    const id = request.headers['webhook-id'];
    const timestamp = request.headers['webhook-timestamp'];
    const signature = request.headers['webhook-signature'];
    for (const [name, value] of [
      ['webhook-id', id],
      ['webhook-timestamp', timestamp],
      ['webhook-signature', signature],
    ] as const) {
      if (!value) return { ok: false, code: 'missing_signature', message: `${name} header is missing` };
    }
    if (!id || !timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) {
      return { ok: false, code: 'invalid_signature', message: 'webhook-timestamp must be Unix seconds' };
    }
    const digests = signature
      .split(' ')
      .filter((entry) => entry.startsWith('v1,'))
      .flatMap((entry) => decodeDigest(entry.slice(3), 'base64') ?? []);
    const keys = secrets.flatMap((secret) => standardWebhooksKey(secret) ?? []);
    if (!anyDigestMatches(digests, 'sha256', keys, `${id}.${timestamp}.`, request.rawBody)) {
      return { ok: false, code: 'invalid_signature', message: 'webhook-signature does not match the body' };
    }
    return checkTimestamp('webhook-timestamp', timestamp, nowMs, config.tolerance_seconds) ?? { ok: true };
  },

  claimedDeliveryId: (request) => request.headers['webhook-id'],

  events(request, body, config) {
    const deliveryId = request.headers['webhook-id'];
    if (!deliveryId) throw new HttpError(400, 'missing_delivery_id', 'webhook-id header is missing');
    const eventType = eventTypeOf(config.event_type, request, body, getPath(body, 'type')) ?? 'webhook';
    const meta: Record<string, string> = {};
    const timestamp = request.headers['webhook-timestamp'];
    if (timestamp) meta.webhook_timestamp = timestamp;
    return [{ deliveryId, eventType, meta, payload: body }];
  },
};
