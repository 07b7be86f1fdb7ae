// HMAC primitives shared by every signature scheme: compute, decode what the sender sent, compare in
// constant time (length checked first, since timingSafeEqual throws on unequal lengths).
import { createHmac, timingSafeEqual } from 'node:crypto';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type DigestEncoding = 'hex' | 'base64';

export function hmac(algorithm: HmacAlgorithm, secret: string, ...parts: (Buffer | string)[]): Buffer {
  const mac = createHmac(algorithm, secret);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Decodes a digest as sent; undefined when it is not well-formed in that encoding. */
export function decodeDigest(text: string, encoding: DigestEncoding): Buffer | undefined {
  const trimmed = text.trim();
  if (encoding === 'hex')
    return HEX.test(trimmed) && trimmed.length % 2 === 0 ? Buffer.from(trimmed, 'hex') : undefined;
  return BASE64.test(trimmed) ? Buffer.from(trimmed, 'base64') : undefined;
}

export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when `received` matches the HMAC of `parts` under any of the active secrets (rotation). */
export function matchesAnySecret(
  received: Buffer,
  algorithm: HmacAlgorithm,
  secrets: readonly string[],
  ...parts: (Buffer | string)[]
): boolean {
  let matched = false;
  // Every secret is tried even after a match, so timing does not reveal which one matched.
  for (const secret of secrets)
    matched = constantTimeEqual(received, hmac(algorithm, secret, ...parts)) || matched;
  return matched;
}
