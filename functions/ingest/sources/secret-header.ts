// Senders that sign nothing but send a shared secret in a header they were configured with
// (BigCommerce's registration headers, a Klaviyo flow's webhook action).
import { matchesAnySharedSecret } from './hmac.ts';
import type { InboundRequest, Verification } from './source-adapter.ts';

export function verifySecretHeader(
  request: InboundRequest,
  secrets: readonly string[],
  header: string,
): Verification {
  const presented = request.headers[header];
  if (!presented) return { ok: false, code: 'missing_signature', message: `${header} header is missing` };
  if (matchesAnySharedSecret(presented, secrets)) return { ok: true };
  return { ok: false, code: 'invalid_signature', message: `${header} is not a valid secret` };
}
