// ingest → hydrate: the message of one verified, deduplicated webhook (webhook.received), as ingest queues it and
// `relay replay` queues it again from the archive.
import * as z from '../../zod.ts';
import { memo } from '../../zod.ts';
import { nonEmptyString, trace } from './fields.ts';

/** ingest → hydrate: one verified, deduplicated webhook event. */
export const webhookReceivedV1Schema = memo(() =>
  z.strictObject({
    type: z.literal('webhook.received'),
    version: z.literal(1),
    ...trace(),
    event_type: nonEmptyString(),
    received_at: z.iso.datetime(),
    /** Sender metadata worth keeping (e.g. Shopify topic, shop domain, API version). */
    meta: z.record(z.string(), z.string()),
    payload: z.unknown(),
    /**
     * Set by `relay replay` (from the archive): every event is sent with Klaviyo's `backfill` flag, so flows do
     * not fire again for what happened before. Absent on webhooks as received.
     */
    backfill: z.optional(z.boolean()),
    /**
     * Set by `relay replay`: this is a replayed copy of an archived webhook. Hydrate does not archive it again, and
     * sends its profile writes only with `profiles: true` (`--with-profiles`); deliver then still skips any that
     * is older than what the relay already wrote (docs/adr/0026-replay-and-state-writes.md).
     */
    replay: z.optional(z.strictObject({ profiles: z.boolean() })),
  }),
);
export type WebhookReceivedV1 = z.infer<ReturnType<typeof webhookReceivedV1Schema>>;
