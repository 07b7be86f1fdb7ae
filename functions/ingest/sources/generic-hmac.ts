// Any sender that signs the raw body with an HMAC in one header: algorithm, hex or base64, and an
// optional prefix such as GitHub's `sha256=`.
import type { SourceConfig, ValueSource } from '../../shared/config.ts';
import { HttpError } from '../http-error.ts';
import { decodeDigest, matchesAnySecret } from './hmac.ts';
import type { SourceAdapter } from './source-adapter.ts';
import { bodyHash, readValue } from './value-source.ts';

type GenericHmacSource = Extract<SourceConfig, { kind: 'generic-hmac' }>;

export const genericHmac: SourceAdapter<GenericHmacSource> = {
  verify(request, secrets, config) {
    const { header, prefix, encoding, algorithm } = config.signature;
    const value = request.headers[header];
    if (!value) return { ok: false, code: 'missing_signature', message: `${header} header is missing` };
    if (!value.startsWith(prefix)) {
      return { ok: false, code: 'invalid_signature', message: `${header} does not start with "${prefix}"` };
    }
    const received = decodeDigest(value.slice(prefix.length), encoding);
    if (received && matchesAnySecret(received, algorithm, secrets, request.rawBody)) return { ok: true };
    return { ok: false, code: 'invalid_signature', message: `${header} does not match the body` };
  },

  events(request, body, config) {
    let deliveryId = bodyHash(request.rawBody);
    if (config.delivery_id) {
      const configured = readValue(config.delivery_id, request, body);
      if (!configured)
        throw new HttpError(
          400,
          'missing_delivery_id',
          `delivery id not found at ${describe(config.delivery_id)}`,
        );
      deliveryId = configured;
    }
    const eventType = (config.event_type && readValue(config.event_type, request, body)) ?? 'webhook';
    return [{ deliveryId, eventType, meta: {}, payload: body }];
  },
};

function describe(source: ValueSource): string {
  if ('header' in source) return `header ${source.header}`;
  if ('path' in source) return `body path ${source.path}`;
  return 'a constant';
}
