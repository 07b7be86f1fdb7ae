// Consent is state (ADR 0030): the newest write per profile and channel wins. Its keys in the state store are one
// per channel and identifier (`STATE#consent:email#<sha256>`, `STATE#consent:sms#<sha256>`), hashed like the
// profile's; within one batch, only the newest write per key goes on (the others are skipped as stale), so two
// writes of one profile never race each other in one invocation.
import { createHash } from 'node:crypto';
import type { KlaviyoConsentV1 } from '../shared/stage/contracts.ts';
import { consentRowOf } from './consent-requests.ts';
import { STATE_KEY_PREFIX } from './state-versions.ts';

/** The key of a consent write's state: its channel and identifier (an email compared as Klaviyo does, ignoring case). */
export function consentStateKey(message: KlaviyoConsentV1): string {
  const { identifier } = consentRowOf(message);
  const value = message.channel === 'email' ? identifier.trim().toLowerCase() : identifier;
  return `${STATE_KEY_PREFIX}consent:${message.channel}#${createHash('sha256').update(value).digest('hex')}`;
}

/**
 * Splits a batch's consent writes into the newest per key (which go on) and the rest (older than one in the same
 * batch: stale). Of writes with the same `as_of`, the later in the batch wins, as it would had they come apart.
 */
export function newestPerKey<T extends { message: KlaviyoConsentV1 }>(
  items: readonly T[],
): { newest: T[]; older: T[] } {
  const best = new Map<string, T>();
  for (const item of items) {
    const key = consentStateKey(item.message);
    const held = best.get(key);
    if (!held || Date.parse(held.message.as_of) <= Date.parse(item.message.as_of)) best.set(key, item);
  }
  const winners = new Set(best.values());
  return {
    newest: items.filter((item) => winners.has(item)),
    older: items.filter((item) => !winners.has(item)),
  };
}
