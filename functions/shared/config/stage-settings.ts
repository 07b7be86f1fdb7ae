// The configuration document's per-stage sections: `ingest` (body size and JSON depth limits, how long delivery
// ids are remembered and claimed) and `hydrate` (how many bytes one webhook may bring into its memory). Deliver's
// settings live with Klaviyo's (./klaviyo-settings.ts), whose limits they share.
import * as z from '../zod.ts';
import { memo } from '../zod.ts';
import { intBetween } from './schema-shorthands.ts';

/** Stripe's retry window, the longest a sender we document retries for (3 days). */
export const MIN_DEDUPE_TTL_SECONDS = 3 * 86_400;
/** Ingest's longest timeout: API Gateway HTTP APIs stop waiting after 30 s (Terraform caps ingest there). */
export const MIN_CLAIM_LEASE_SECONDS = 30;

/** The `ingest` section; every field has its default, so the section may be left out. */
export const ingestSettingsSchema = memo(() =>
  z
    .prefault(
      z.strictObject({
        /** Largest accepted body; SQS carries up to 1 MiB, and the message wraps the body with metadata. */
        max_body_bytes: z
          ._default(intBetween(1_024, 900 * 1_024), 256 * 1_024)
          .check(z.describe('Largest accepted body (bytes); a source may set its own.')),
        /** Deeper JSON is refused: no sender needs it, and it is a classic way to exhaust a parser's stack. */
        max_json_depth: z
          ._default(intBetween(8, 512), 64)
          .check(z.describe('Deepest JSON nesting accepted; deeper bodies are refused.')),
        /**
         * How long a delivery id is remembered. At least the longest sender retry window we document (Stripe:
         * 3 days), or a retry arriving after the id was forgotten is enqueued again.
         */
        dedupe_ttl_seconds: z
          ._default(intBetween(MIN_DEDUPE_TTL_SECONDS, 90 * 86_400), 7 * 86_400)
          .check(
            z.describe("How long a delivery id is remembered (at least 3 days, Stripe's retry window)."),
          ),
        /**
         * How long a claimed-but-not-yet-enqueued delivery blocks a retry before the retry may take over. At
         * least ingest's longest timeout (30 s: API Gateway stops waiting then), or a lease could lapse while its
         * request still runs and a concurrent retry would enqueue the event a second time.
         */
        claim_lease_seconds: z
          ._default(intBetween(MIN_CLAIM_LEASE_SECONDS, 900), 60)
          .check(
            z.describe(
              "How long a claimed, not yet enqueued delivery blocks a retry (at least ingest's 30 s timeout).",
            ),
          ),
      }),
      {},
    )
    .check(
      z.describe(
        'Ingest settings: the body size and JSON depth limits, and how long delivery ids are remembered and claimed.',
      ),
    ),
);

/** The `hydrate` section; may be left out. */
export const hydrateSettingsSchema = memo(() =>
  z
    .prefault(
      z.strictObject({
        /**
         * Bytes one webhook may bring into hydrate: itself, the source API answers its hydration gets and the
         * messages it becomes (as JSON text), from 1 MiB to 1 GiB. Past it the webhook is dead-lettered with the reason
         * `webhook_budget_exceeded`. Default: a sixteenth of hydrate's memory_size (16 MiB at 256 MB).
         */
        max_bytes_per_webhook: z.optional(
          intBetween(1_048_576, 1_073_741_824).check(
            z.describe(
              "Bytes one webhook may bring into hydrate (itself, its source API answers and the messages it becomes, as JSON text); unset, a sixteenth of hydrate's memory_size. Past it the webhook is dead-lettered (webhook_budget_exceeded).",
            ),
          ),
        ),
      }),
      {},
    )
    .check(z.describe("Hydrate settings: how many bytes one webhook may bring into hydrate's memory.")),
);
