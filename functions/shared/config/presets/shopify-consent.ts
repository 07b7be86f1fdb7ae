// Shopify's marketing consent as Klaviyo subscriptions. Since API version 2025-01 consent arrives on its own
// topics — `customers_email_marketing_consent/update` (`customer_id`, `email_address`, `email_marketing_consent`)
// and `customers_marketing_consent/update` (SMS: `id`, `phone`, `sms_marketing_consent`) — and no longer in the
// customer payload; before it, `customers/create` and `customers/update` carry `email_marketing_consent` and
// `sms_marketing_consent`. The `X-Shopify-API-Version` header (`meta.api_version`) says which: the customer
// topics' consent is read only from a version before 2025-01 (or when the header is absent, as in a sample).
// Each consent object has `state`, `opt_in_level` and `consent_updated_at`: `subscribed` subscribes, as a
// historical import when Shopify says when consent was given; `unsubscribed` unsubscribes; `pending`,
// `not_subscribed` (and `redacted`, `invalid`) write nothing. Each write is versioned by `consent_updated_at`.
import type { Preset } from './preset.ts';

export const SHOPIFY_CONSENT_TOPICS = [
  'customers_email_marketing_consent/update',
  'customers_marketing_consent/update',
] as const;

/** The customer topics that carried consent before API version 2025-01. */
const CUSTOMER_TOPICS = ['customers/create', 'customers/update'];
const BEFORE_2025_01 = "($not($exists(meta.api_version)) or meta.api_version < '2025-01')";

type ConsentEntries = NonNullable<Preset['mapping']['subscriptions']>;

/** One entry per channel and payload form; `state` is what the entry writes for. */
function entries(state: 'subscribed' | 'unsubscribed', historical: boolean): ConsentEntries {
  const at = (consent: string) => ({
    as_of: `event.${consent}.consent_updated_at`,
    ...(historical ? { consented_at: `event.${consent}.consent_updated_at` } : {}),
  });
  return [
    {
      id: 'email',
      channel: 'email',
      event_types: ['customers_email_marketing_consent/update'],
      when: { expr: `event.email_marketing_consent.state = '${state}'` },
      profile: { email: ['event.email_address'] },
      ...at('email_marketing_consent'),
    },
    {
      id: 'sms',
      channel: 'sms',
      event_types: ['customers_marketing_consent/update'],
      when: { expr: `event.sms_marketing_consent.state = '${state}'` },
      profile: { phone_number: ['event.phone'] },
      ...at('sms_marketing_consent'),
    },
    {
      id: 'email_legacy',
      channel: 'email',
      event_types: CUSTOMER_TOPICS,
      when: { expr: `${BEFORE_2025_01} and event.email_marketing_consent.state = '${state}'` },
      profile: { email: ['event.email'] },
      ...at('email_marketing_consent'),
    },
    {
      id: 'sms_legacy',
      channel: 'sms',
      event_types: CUSTOMER_TOPICS,
      when: { expr: `${BEFORE_2025_01} and event.sms_marketing_consent.state = '${state}'` },
      profile: { phone_number: ['event.phone'] },
      ...at('sms_marketing_consent'),
    },
  ];
}

/** Subscribed: a historical import with Shopify's consent_updated_at as consented_at. */
export const shopifySubscriptions = entries('subscribed', true);
/** Unsubscribed: the channel's marketing consent withdrawn. */
export const shopifyUnsubscriptions = entries('unsubscribed', false);
