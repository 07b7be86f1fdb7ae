// For senders that sign nothing: a bearer token or HTTP Basic credentials in a header, compared in
// constant time with every active secret. For `basic`, each secret is `user:password`.
import type { OpaqueSourceConfig } from '../../shared/config/opaque-relay-config.ts';
import { matchesAnySharedSecret } from './hmac.ts';
import type { SourceAdapter } from './source-adapter.ts';
import { claimedHeaderValue, configuredDeliveryId, eventTypeOf } from './value-source.ts';

type TokenSource = Extract<OpaqueSourceConfig, { kind: 'token' }>;

const BEARER = /^Bearer +(\S+)\s*$/i;
const BASIC = /^Basic +([A-Za-z0-9+/]+={0,2})\s*$/i;

/** The credential the request presents, in the form secrets are configured in; undefined if malformed. */
export function presentedCredential(value: string, scheme: TokenSource['scheme']): string | undefined {
  if (scheme === 'bearer') return BEARER.exec(value)?.[1];
  const encoded = BASIC.exec(value)?.[1];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}

export const token: SourceAdapter<TokenSource> = {
  verify(request, secrets, config) {
    const value = request.headers[config.header];
    if (!value)
      return { ok: false, code: 'missing_signature', message: `${config.header} header is missing` };
    const presented = presentedCredential(value, config.scheme);
    // The message never repeats what was presented: a near-miss token is still sensitive.
    if (presented !== undefined && matchesAnySharedSecret(presented, secrets)) return { ok: true };
    return {
      ok: false,
      code: 'invalid_signature',
      message: `${config.header} does not hold valid ${config.scheme} credentials`,
    };
  },

  claimedDeliveryId: (request, config) => claimedHeaderValue(config.delivery_id, request),

  events(request, body, config) {
    const deliveryId = configuredDeliveryId(config.delivery_id, request, body);
    const eventType = eventTypeOf(config.event_type, request, body) ?? 'webhook';
    return [{ deliveryId, eventType, meta: {}, payload: body }];
  },
};
