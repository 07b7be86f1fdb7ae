// Whether a profile can be written to a consent channel: marketing email needs an email address, marketing SMS an
// E.164 phone number (what Klaviyo's subscription jobs take). One that does not fit is the mapping's problem,
// said with a reason here, not a 400 from Klaviyo for the whole job. The value itself is not repeated (it is a
// person's address).
import type { ConsentChannel, ProfileIdentifiers } from '../../shared/stage/contracts.ts';

/** E.164: `+`, a country code and subscriber number, at most 15 digits, no spaces or punctuation. */
export const E164_PATTERN = /^\+[1-9]\d{1,14}$/;
/** One `@`, no spaces, a dot in the domain; at most 254 characters (RFC 5321's path limit). */
const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export const isE164 = (phone: string) => E164_PATTERN.test(phone);
export const isEmailAddress = (email: string) => email.length <= 254 && EMAIL_PATTERN.test(email);

/** Why the profile cannot be written to the channel, or undefined when it can. */
export function channelProblem(channel: ConsentChannel, profile: ProfileIdentifiers): string | undefined {
  if (channel === 'email') {
    if (profile.email === undefined) return 'no email address for the email channel';
    if (!isEmailAddress(profile.email)) return 'the email address is not a valid address';
    return undefined;
  }
  if (profile.phone_number === undefined) return 'no phone number for the sms channel';
  if (!isE164(profile.phone_number))
    return 'the phone number is not E.164 (a + and the country code, digits only, e.g. +12075550142)';
  return undefined;
}

/**
 * The identifiers a consent write sends: the channel's own, and the other channel's only when it fits that channel
 * (Klaviyo sets it on the profile and refuses a phone number that is not E.164 in any job).
 */
export function consentIdentifiers(profile: ProfileIdentifiers): ProfileIdentifiers {
  const out: ProfileIdentifiers = { ...profile };
  if (out.email !== undefined && !isEmailAddress(out.email)) delete out.email;
  if (out.phone_number !== undefined && !isE164(out.phone_number)) delete out.phone_number;
  return out;
}
