// HMAC primitives shared by every signature scheme: compute, decode what the sender sent, compare in
// constant time (length checked first, since timingSafeEqual throws on unequal lengths).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type DigestEncoding = 'hex' | 'base64';
/** A secret as configured (text), or key bytes decoded from it (Standard Webhooks' `whsec_` keys). */
export type HmacKey = string | Buffer;

export function hmac(algorithm: HmacAlgorithm, key: HmacKey, ...parts: (Buffer | string)[]): Buffer {
  const mac = createHmac(algorithm, key);
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

/** True when `received` matches the HMAC of `parts` under any of the active keys (rotation). */
export function matchesAnySecret(
  received: Buffer,
  algorithm: HmacAlgorithm,
  keys: readonly HmacKey[],
  ...parts: (Buffer | string)[]
): boolean {
  let matched = false;
  // Every key is tried even after a match, so timing does not reveal which one matched.
  for (const key of keys) matched = constantTimeEqual(received, hmac(algorithm, key, ...parts)) || matched;
  return matched;
}

/** True when any of several received digests matches under any key (senders that send one per secret). */
export function anyDigestMatches(
  received: readonly Buffer[],
  algorithm: HmacAlgorithm,
  keys: readonly HmacKey[],
  ...parts: (Buffer | string)[]
): boolean {
  let matched = false;
  for (const key of keys) {
    const expected = hmac(algorithm, key, ...parts);
    for (const digest of received) matched = constantTimeEqual(digest, expected) || matched;
  }
  return matched;
}

/**
 * Compares a presented shared secret (a token, not a signature) with every active secret in constant
 * time. Both sides are hashed first so that the comparison's length, too, says nothing about the secret.
 */
export function matchesAnySharedSecret(presented: string, secrets: readonly string[]): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  const received = digest(presented);
  let matched = false;
  for (const secret of secrets) matched = timingSafeEqual(received, digest(secret)) || matched;
  return matched;
}
