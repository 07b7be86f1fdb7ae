// Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, each v1 an HMAC-SHA256 of
// `<t>.<raw body>` under the endpoint's signing secret. Stripe sends one v1 per active secret while a
// secret is being rolled, so any v1 may match. The event's `id` is stable across Stripe's retries.
import type { OpaqueSourceConfig } from '../../shared/config/opaque-relay-config.ts';
import { getPath } from '../../shared/json/path.ts';
import { HttpError } from '../http-error.ts';
import { anyDigestMatches, decodeDigest } from './hmac.ts';
import type { SourceAdapter } from './source-adapter.ts';
import { checkTimestamp } from './timestamp.ts';
import { eventTypeOf, scalarText } from './value-source.ts';

type StripeSource = Extract<OpaqueSourceConfig, { kind: 'stripe' }>;

const HEADER = 'Stripe-Signature';

/** Splits `t=…,v1=…,v0=…` into the timestamp and the v1 signatures; other schemes are ignored. */
export function parseStripeSignature(value: string): { timestamp?: string; v1: string[] } {
  const parsed: { timestamp?: string; v1: string[] } = { v1: [] };
  for (const item of value.split(',')) {
    const at = item.indexOf('=');
    if (at <= 0) continue;
    const key = item.slice(0, at).trim();
    const text = item.slice(at + 1).trim();
    if (key === 't') parsed.timestamp = text;
    else if (key === 'v1') parsed.v1.push(text);
  }
  return parsed;
}

export const stripe: SourceAdapter<StripeSource> = {
  verify(request, secrets, config, nowMs) {
    const value = request.headers['stripe-signature'];
    if (!value) return { ok: false, code: 'missing_signature', message: `${HEADER} header is missing` };
    const { timestamp, v1 } = parseStripeSignature(value);
    if (!timestamp || !/^\d{1,12}$/.test(timestamp) || v1.length === 0) {
      return { ok: false, code: 'invalid_signature', message: `${HEADER} needs t= and at least one v1=` };
    }
    const digests = v1.flatMap((text) => decodeDigest(text, 'hex') ?? []);
    // The timestamp is checked after the signature, so a forged old timestamp is "invalid", not "stale".
    if (!anyDigestMatches(digests, 'sha256', secrets, `${timestamp}.`, request.rawBody)) {
      return { ok: false, code: 'invalid_signature', message: `${HEADER} does not match the body` };
    }
    return checkTimestamp(`${HEADER} t=`, timestamp, nowMs, config.tolerance_seconds) ?? { ok: true };
  },

  events(request, body, config) {
    const deliveryId = scalarText(getPath(body, 'id'));
    if (!deliveryId) throw new HttpError(400, 'missing_delivery_id', 'the Stripe event has no id');
    const meta: Record<string, string> = {};
    for (const key of ['api_version', 'account', 'livemode'] as const) {
      const value = getPath(body, key);
      if (typeof value === 'string' || typeof value === 'boolean') meta[key] = String(value);
    }
    const eventType = eventTypeOf(config.event_type, request, body, getPath(body, 'type')) ?? 'stripe.event';
    return [{ deliveryId, eventType, meta, payload: body }];
  },
};
