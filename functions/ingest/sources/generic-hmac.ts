// Any sender that signs with an HMAC in one header: algorithm, hex or base64, an optional prefix such as
// GitHub's `sha256=`, and optionally a signed timestamp header with a template for what is signed
// (e.g. `{timestamp}.{body}`), checked against a tolerance.
import type { OpaqueSourceConfig } from '../../shared/config/opaque-relay-config.ts';
import { decodeDigest, matchesAnySecret } from './hmac.ts';
import type { SourceAdapter } from './source-adapter.ts';
import { checkTimestamp } from './timestamp.ts';
import { claimedHeaderValue, configuredDeliveryId, eventTypeOf } from './value-source.ts';

type GenericHmacSource = Extract<OpaqueSourceConfig, { kind: 'generic-hmac' }>;

/** The bytes the sender signed: the template with `{timestamp}` filled in around the raw body. */
export function signedParts(template: string, rawBody: Buffer, timestamp: string): (string | Buffer)[] {
  const [before = '', after = ''] = template.split('{body}');
  const fill = (text: string) => text.replaceAll('{timestamp}', timestamp);
  return [fill(before), rawBody, fill(after)];
}

export const genericHmac: SourceAdapter<GenericHmacSource> = {
  verify(request, secrets, config, nowMs) {
    const { header, prefix, encoding, algorithm, timestamp_header, signed_content, tolerance_seconds } =
      config.signature;
    const value = request.headers[header];
    if (!value) return { ok: false, code: 'missing_signature', message: `${header} header is missing` };
    const timestamp = timestamp_header ? request.headers[timestamp_header] : '';
    if (timestamp_header && !timestamp) {
      return { ok: false, code: 'missing_signature', message: `${timestamp_header} header is missing` };
    }
    if (!value.startsWith(prefix)) {
      return { ok: false, code: 'invalid_signature', message: `${header} does not start with "${prefix}"` };
    }
    const received = decodeDigest(value.slice(prefix.length), encoding);
    const parts = signedParts(signed_content, request.rawBody, timestamp ?? '');
    if (!received || !matchesAnySecret(received, algorithm, secrets, ...parts)) {
      return { ok: false, code: 'invalid_signature', message: `${header} does not match the body` };
    }
    if (!timestamp_header) return { ok: true };
    return checkTimestamp(timestamp_header, timestamp, nowMs, tolerance_seconds) ?? { ok: true };
  },

  claimedDeliveryId: (request, config) => claimedHeaderValue(config.delivery_id, request),

  events(request, body, config) {
    const deliveryId = configuredDeliveryId(config.delivery_id, request, body);
    const eventType = eventTypeOf(config.event_type, request, body) ?? 'webhook';
    return [{ deliveryId, eventType, meta: {}, payload: body }];
  },
};
