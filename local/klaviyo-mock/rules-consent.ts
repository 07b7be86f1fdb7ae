// Klaviyo's rules for Bulk Subscribe and Bulk Unsubscribe Profiles that the contract's schemas cannot express,
// applied to bodies that already passed the schema: each profile names a channel and the identifier that
// channel needs (a valid email, an E.164 phone number); `consented_at` only with `historical_import: true`,
// then required and in the past. A broken profile fails the whole request (400), as at Klaviyo, so a job is
// recorded whole or not at all.
import { invalid } from './errors.ts';
import { emailProblem, phoneProblem } from './profile-checks.ts';
import type { ConsentChannel } from './types-jobs.ts';
import { isPlainObject } from '../../functions/shared/json/is-plain-object.ts';

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (isPlainObject(value) ? value : {});
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

export interface ConsentItem {
  /** JSON pointer of the profile resource. */
  pointer: string;
  id: string | null;
  email: string | null;
  phone_number: string | null;
  /** The channels named, each with its consented-at (subscribe with historical import only). */
  channels: { channel: ConsentChannel; consentedAt: string | null }[];
}

export interface ConsentJob {
  items: ConsentItem[];
  /** `relationships.list.data.id`, or null. */
  listId: string | null;
  historicalImport: boolean;
  customSource: string | null;
}

const CHANNELS: readonly ConsentChannel[] = ['email', 'sms'];

function readJob(body: unknown, subscribe: boolean, now: number): ConsentJob {
  const data = obj(obj(body).data);
  const attributes = obj(data.attributes);
  const historicalImport = attributes.historical_import === true;
  const base = '/data/attributes/profiles/data';
  const resources = obj(attributes.profiles).data;
  const items = (Array.isArray(resources) ? resources : []).map((resource, i) => {
    const pointer = `${base}/${i}`;
    const profile = obj(obj(resource).attributes);
    const item: ConsentItem = {
      pointer,
      id: text(obj(resource).id),
      email: text(profile.email),
      phone_number: text(profile.phone_number),
      channels: [],
    };
    for (const channel of CHANNELS) {
      const at = `${pointer}/attributes/subscriptions/${channel}/marketing`;
      const marketing = obj(obj(profile.subscriptions)[channel]).marketing;
      if (!isPlainObject(marketing)) continue;
      item.channels.push({
        channel,
        consentedAt: subscribe ? consentedAt(marketing, at, historicalImport, now) : null,
      });
    }
    checkIdentifiers(item);
    return item;
  });
  return {
    items,
    listId: text(obj(obj(obj(data.relationships).list).data).id),
    historicalImport,
    customSource: text(attributes.custom_source),
  };
}

function consentedAt(
  marketing: Json,
  pointer: string,
  historicalImport: boolean,
  now: number,
): string | null {
  const value = text(marketing.consented_at);
  if (value !== null && !historicalImport)
    throw invalid(
      '`consented_at` may only be given when `historical_import` is true: it records consent collected before.',
      `${pointer}/consented_at`,
    );
  if (value === null && historicalImport)
    throw invalid('`consented_at` is required when `historical_import` is true.', `${pointer}/consented_at`);
  if (value !== null && Date.parse(value) > now)
    throw invalid(
      `\`consented_at\` ${value} is in the future: it must be in the past.`,
      `${pointer}/consented_at`,
    );
  return value;
}

function checkIdentifiers(item: ConsentItem): void {
  const at = `${item.pointer}/attributes`;
  if (item.channels.length === 0)
    throw invalid(
      'Name at least one channel in `subscriptions`: email.marketing or sms.marketing.',
      `${at}/subscriptions`,
    );
  const email = emailProblem(item.email);
  if (email !== null) throw invalid(email, `${at}/email`);
  const phone = phoneProblem(item.phone_number);
  if (phone !== null) throw invalid(phone, `${at}/phone_number`);
  for (const { channel } of item.channels) {
    if (channel === 'email' && item.email === null && item.id === null)
      throw invalid('An email address is required for the email channel.', `${at}/email`);
    if (channel === 'sms' && item.phone_number === null && item.id === null)
      throw invalid('A phone number (E.164) is required for the SMS channel.', `${at}/phone_number`);
  }
}

/** The profiles and channels of a Bulk Subscribe Profiles body, checked. */
export const readBulkSubscribe = (body: unknown, now: number): ConsentJob => readJob(body, true, now);

/** The profiles and channels of a Bulk Unsubscribe Profiles body, checked. */
export const readBulkUnsubscribe = (body: unknown, now: number): ConsentJob => readJob(body, false, now);
