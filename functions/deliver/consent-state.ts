// Consent is state (ADR 0030): the newest write per profile and channel wins. Its keys in the state store are one
// per channel and identifier (`STATE#consent:email#<sha256>`, `STATE#consent:sms#<sha256>`), hashed like the
// profile's; within one batch, only the newest write per key goes on (./newest-in-batch.ts), so two writes of one
// profile never race each other in one invocation.
import { createHash } from 'node:crypto';
import type { KlaviyoConsentV1 } from '../shared/stage/contracts.ts';
import { consentRowOf } from './consent-requests.ts';
import type { WriteState } from './newest-in-batch.ts';
import { STATE_KEY_PREFIX } from './state-versions.ts';
import { versionOfWrite } from './state-write-version.ts';

/** The key of a consent write's state: its channel and identifier (an email compared as Klaviyo does, ignoring case). */
export function consentStateKey(message: KlaviyoConsentV1): string {
  const { identifier } = consentRowOf(message);
  const value = message.channel === 'email' ? identifier.trim().toLowerCase() : identifier;
  return `${STATE_KEY_PREFIX}consent:${message.channel}#${createHash('sha256').update(value).digest('hex')}`;
}

/** A consent write's key and version, as the state check and the batch's newest-per-key compare them. */
export function consentWriteState(message: KlaviyoConsentV1): WriteState {
  return { keys: [consentStateKey(message)], version: versionOfWrite(message) };
}
