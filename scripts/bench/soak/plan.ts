// What the soak sends, in order: N distinct webhooks spread over the source kinds, a share of them sent again
// (half soon after the first delivery — while it may still be in progress — half much later), and a few Stripe
// webhooks with a broken clock, which Klaviyo refuses (the only dead letters the soak expects). Seeded, so one
// seed gives the same plan.
import { uniqueIdFor } from '../../../functions/hydrate/map-to-klaviyo.ts';
import type { Delivery } from './sender.ts';
import { SOAK_SOURCE_KINDS, soakWebhook, type SoakWebhook } from './sources.ts';

/** A small seeded generator (mulberry32): numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface PlanOptions {
  webhooks: number;
  /** Share of webhooks sent a second time, 0–1. */
  resendShare: number;
  /** Stripe webhooks Klaviyo will refuse. */
  permanent: number;
  seed: number;
  /** Senders' concurrency: a "soon" resend lands within a few requests of its first delivery. */
  concurrency: number;
}

/** A webhook as the figures know it: which Klaviyo unique_id the relay gives it, and whether it should fail. */
export interface PlannedWebhook {
  n: number;
  source: string;
  uniqueId: string;
  permanent: boolean;
}

export function planSoak(
  options: PlanOptions,
  nowMs: number,
): { deliveries: Delivery[]; planned: PlannedWebhook[] } {
  const random = seededRandom(options.seed);
  const kinds = SOAK_SOURCE_KINDS.length;
  const stripeIndex = SOAK_SOURCE_KINDS.indexOf('stripe');
  const stripeCount = Math.max(0, Math.ceil((options.webhooks - stripeIndex) / kinds));
  // Broken clocks, spread evenly over the Stripe webhooks.
  const permanent = new Set<number>();
  const broken = Math.min(options.permanent, stripeCount);
  for (let k = 0; k < broken; k++)
    permanent.add(stripeIndex + Math.floor(((k + 0.5) * stripeCount) / broken) * kinds);

  const webhooks: SoakWebhook[] = Array.from({ length: options.webhooks }, (_, n) =>
    soakWebhook(n, SOAK_SOURCE_KINDS[n % kinds] ?? 'shopify', permanent.has(n), nowMs + n),
  );

  // Exactly round(share × N) webhooks are sent twice: a partial shuffle picks them.
  const numbers = webhooks.map((w) => w.n);
  const resends = Math.round(options.resendShare * numbers.length);
  for (let i = 0; i < resends; i++) {
    const j = i + Math.floor(random() * (numbers.length - i));
    [numbers[i], numbers[j]] = [numbers[j] ?? 0, numbers[i] ?? 0];
  }
  const order: { at: number; delivery: Delivery }[] = webhooks.map((webhook) => ({
    at: webhook.n,
    delivery: { webhook, resend: false },
  }));
  for (const n of numbers.slice(0, resends)) {
    const webhook = webhooks[n];
    if (!webhook) continue;
    const soon = random() < 0.5;
    const offset = soon ? 1 + random() * options.concurrency * 2 : 50 + random() * 2_000;
    order.push({ at: n + offset, delivery: { webhook, resend: true } });
  }
  order.sort((a, b) => a.at - b.at);

  return {
    deliveries: order.map((o) => o.delivery),
    planned: webhooks.map((w) => ({
      n: w.n,
      source: w.source,
      uniqueId: uniqueIdFor(w.source, w.deliveryId),
      permanent: w.permanent,
    })),
  };
}
