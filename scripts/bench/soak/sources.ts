// The soak's senders: six source kinds as the relay configures them, and for each the webhook its real sender
// would post — body, delivery id and signed headers (operations/sign.ts, as `npm run send` signs). BigCommerce's thin
// webhooks are hydrated from the rate-limited source API stand-in (source-api.ts); the others carry all they need.
import { createHash } from 'node:crypto';
import { signedHeaders } from '../../../operations/sign.ts';
import { sourceSchema, type SourceConfig } from '../../../functions/shared/config/relay-config.ts';

export const SOAK_SOURCE_KINDS = [
  'shopify',
  'stripe',
  'woocommerce',
  'zendesk',
  'standard-webhooks',
  'bigcommerce',
] as const;
export type SoakSourceKind = (typeof SOAK_SOURCE_KINDS)[number];

/** Secrets by environment variable name; the relay's configuration refers to them by name only. */
export const SOAK_SECRETS: Record<string, string> = {
  SOAK_SHOPIFY_SECRET: 'soak-shopify-secret',
  SOAK_STRIPE_SECRET: 'whsec_soak-stripe-secret',
  SOAK_WOOCOMMERCE_SECRET: 'soak-woocommerce-secret',
  SOAK_ZENDESK_SECRET: 'soak-zendesk-secret',
  // Standard Webhooks secrets are base64 (24 bytes here), prefixed whsec_.
  SOAK_STANDARD_SECRET: `whsec_${Buffer.from('soak-standard-webhooks-key!').toString('base64')}`,
  SOAK_BIGCOMMERCE_SECRET: 'soak-bigcommerce-secret',
  SOAK_BIGCOMMERCE_API_TOKEN: 'soak-bigcommerce-api-token',
};

/** Every soak body carries its webhook's number at the top level, so a recorded event names its webhook. */
export const SOAK_MARKER = 'soak_webhook';

/** The relay's `sources` section: each maps to Placed Order (or the like) with a profile email and a time. */
export function soakSources(sourceApiUrl: string): Record<SoakSourceKind, unknown> {
  return {
    shopify: {
      kind: 'shopify',
      secrets: [{ env: 'SOAK_SHOPIFY_SECRET' }],
      mapping: {
        metric_by_event_type: { 'orders/create': 'Placed Order' },
        value: 'event.total_price',
        time: 'event.created_at',
      },
    },
    stripe: {
      kind: 'stripe',
      secrets: [{ env: 'SOAK_STRIPE_SECRET' }],
      mapping: {
        metric_by_event_type: { 'charge.succeeded': 'Charge Succeeded' },
        profile: { email: ['event.data.object.billing_details.email'] },
        // A sender with a broken clock (1985) makes events Klaviyo refuses: the soak's permanent errors.
        time: 'event.created',
      },
    },
    woocommerce: {
      kind: 'woocommerce',
      secrets: [{ env: 'SOAK_WOOCOMMERCE_SECRET' }],
      mapping: {
        metric_by_event_type: { 'order.created': 'Placed Order' },
        profile: { email: ['event.billing.email'] },
        value: 'event.total',
        time: 'event.date_created_gmt',
      },
    },
    zendesk: {
      kind: 'zendesk',
      secrets: [{ env: 'SOAK_ZENDESK_SECRET' }],
      mapping: {
        metric: 'Opened Ticket',
        profile: { email: ['event.ticket.requester.email'] },
        time: 'event.created_at',
      },
    },
    'standard-webhooks': {
      kind: 'standard-webhooks',
      secrets: [{ env: 'SOAK_STANDARD_SECRET' }],
      mapping: {
        metric_by_event_type: { 'subscription.renewed': 'Renewed Subscription' },
        profile: { email: ['event.data.customer.email'] },
        value: 'event.data.amount',
        time: 'event.timestamp',
      },
    },
    bigcommerce: {
      kind: 'bigcommerce',
      secrets: [{ env: 'SOAK_BIGCOMMERCE_SECRET' }],
      hydration: {
        base_url: `${sourceApiUrl}/stores/soak`,
        auth: { header: 'x-auth-token', secret: { env: 'SOAK_BIGCOMMERCE_API_TOKEN' } },
        timeout_ms: 5_000,
        steps: [{ name: 'order', path: '/v2/orders/{event.data.id}' }],
      },
      mapping: {
        metric_by_event_type: { 'store/order/created': 'Placed Order' },
        profile: { email: ['order.billing_address.email'] },
        value: 'order.total_inc_tax',
        time: 'event.created_at',
      },
    },
  };
}

const SECRET_OF: Record<SoakSourceKind, string> = {
  shopify: 'SOAK_SHOPIFY_SECRET',
  stripe: 'SOAK_STRIPE_SECRET',
  woocommerce: 'SOAK_WOOCOMMERCE_SECRET',
  zendesk: 'SOAK_ZENDESK_SECRET',
  'standard-webhooks': 'SOAK_STANDARD_SECRET',
  bigcommerce: 'SOAK_BIGCOMMERCE_SECRET',
};

/** One webhook as its sender keeps it between attempts: the same body and delivery id every time. */
export interface SoakWebhook {
  n: number;
  source: SoakSourceKind;
  deliveryId: string;
  body: Buffer;
  eventType: string;
  /** Klaviyo refuses its event (time in 1985): it belongs in the DLQ. */
  permanent: boolean;
}

/** The customer a webhook is about: 2,000 of them, so profiles are shared across webhooks and sources. */
export const customerEmail = (n: number) => `soak.customer${n % 2_000}@example.com`;

/** Order n as the source API stand-in serves it (BigCommerce's v2 order, trimmed). */
export function sourceOrder(id: number) {
  return {
    id,
    customer_id: 10_000 + (id % 2_000),
    status: 'Awaiting Fulfillment',
    date_created: new Date(Date.UTC(2026, 10, 1) + id * 1_000).toUTCString(),
    total_inc_tax: ((id % 97) + 3.5).toFixed(4),
    currency_code: 'USD',
    billing_address: { first_name: 'Ada', last_name: `Soak ${id}`, city: 'London', email: customerEmail(id) },
  };
}

/** Webhook n of source kind `source`; `permanent` only matters for Stripe (the kind whose time we break). */
export function soakWebhook(
  n: number,
  source: SoakSourceKind,
  permanent: boolean,
  sentAtMs: number,
): SoakWebhook {
  const email = customerEmail(n);
  const iso = new Date(sentAtMs).toISOString();
  const marker = { [SOAK_MARKER]: n };
  const make = (deliveryId: string, eventType: string, body: unknown): SoakWebhook => ({
    n,
    source,
    deliveryId,
    eventType,
    body: Buffer.from(JSON.stringify(body)),
    permanent: source === 'stripe' && permanent,
  });
  switch (source) {
    case 'shopify':
      return make(`soak-shopify-${n}`, 'orders/create', {
        ...marker,
        id: 5_000_000 + n,
        email,
        created_at: iso,
        currency: 'USD',
        total_price: ((n % 50) + 9.99).toFixed(2),
        line_items: [{ sku: `TEE-${n % 7}`, price: '9.99', quantity: 1 }],
        customer: { id: 700 + (n % 2_000), email, first_name: 'Ada' },
      });
    case 'stripe': {
      const id = `evt_soak_${n}`;
      const created = permanent ? Date.UTC(1985, 0, 1) / 1_000 : Math.floor(sentAtMs / 1_000);
      return make(id, 'charge.succeeded', {
        ...marker,
        id,
        object: 'event',
        type: 'charge.succeeded',
        created,
        livemode: false,
        api_version: '2026-11-17',
        data: {
          object: { id: `ch_soak_${n}`, amount: 1_000 + n, currency: 'usd', billing_details: { email } },
        },
      });
    }
    case 'woocommerce':
      return make(`soak-woo-${n}`, 'order.created', {
        ...marker,
        id: 9_000 + n,
        status: 'processing',
        total: ((n % 40) + 4.5).toFixed(2),
        date_created_gmt: iso.slice(0, 19),
        billing: { email, first_name: 'Ada', last_name: 'Woo' },
        line_items: [{ sku: `MUG-${n % 5}`, quantity: 2 }],
      });
    case 'zendesk':
      return make(`soak-zendesk-${n}`, 'ticket.created', {
        ...marker,
        id: `zen-${n}`,
        type: 'ticket.created',
        created_at: iso,
        ticket: { id: 30_000 + n, subject: `Where is order ${n}?`, requester: { email, name: 'Ada' } },
      });
    case 'standard-webhooks':
      return make(`msg_soak_${n}`, 'subscription.renewed', {
        ...marker,
        type: 'subscription.renewed',
        timestamp: iso,
        data: { customer: { email }, plan: 'monthly', amount: 12 },
      });
    case 'bigcommerce': {
      const createdAt = Math.floor(sentAtMs / 1_000);
      const scope = 'store/order/created';
      // BigCommerce's hash is stable across its retries of one event: the relay's delivery id.
      const hash = createHash('sha1').update(`${scope}:${n}:${createdAt}`).digest('hex');
      return make(hash, scope, {
        ...marker,
        scope,
        store_id: '1001',
        data: { type: 'order', id: n },
        hash,
        created_at: createdAt,
        producer: 'stores/soak',
      });
    }
  }
}

/** Parsed once: signing needs each source's defaults (e.g. BigCommerce's secret header). */
const parsed = new Map<SoakSourceKind, SourceConfig>();

/** The headers the webhook's sender puts on one attempt, signed now (a resend is signed again, as senders do). */
export function signWebhook(
  webhook: SoakWebhook,
  sourceApiUrl: string,
  nowMs: number,
): Record<string, string> {
  let config = parsed.get(webhook.source);
  if (!config) {
    config = sourceSchema().parse(soakSources(sourceApiUrl)[webhook.source]);
    parsed.set(webhook.source, config);
  }
  const secret = SOAK_SECRETS[SECRET_OF[webhook.source]] ?? '';
  return signedHeaders(config, webhook.body, secret, {
    deliveryId: webhook.deliveryId,
    eventType: webhook.eventType,
    timestampMs: nowMs,
  });
}
