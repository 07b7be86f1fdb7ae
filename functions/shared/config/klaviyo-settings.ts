// The `klaviyo` section of the configuration document: the API key reference, revision and base URL, the
// request timeout, how deliver shares Klaviyo's rate limits (bulk thresholds for events and profiles, pacing,
// concurrency, requests in flight), and the lists consent is written to (./klaviyo-lists.ts). Deliver reads it;
// hydrate and the CLI read it through the document.
import * as z from '../zod.ts';
import { memo } from '../zod.ts';
import { klaviyoListsSchema } from './klaviyo-lists.ts';
import { intBetween } from './schema-shorthands.ts';
import { secretRefSchema } from './secret-refs.ts';

export const DEFAULT_KLAVIYO_REVISION = '2026-07-15';
export const DEFAULT_KLAVIYO_BASE_URL = 'https://a.klaviyo.com';
/** `profile_bulk_threshold`'s default (its description says why). */
export const DEFAULT_PROFILE_BULK_THRESHOLD = 20;

export const klaviyoSettingsSchema = memo(() =>
  z.strictObject({
    api_key: secretRefSchema().check(z.describe('Reference to the Klaviyo private API key.')),
    revision: z
      ._default(
        z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}(\.pre)?$/, 'a dated revision such as 2026-07-15')),
        DEFAULT_KLAVIYO_REVISION,
      )
      .check(z.describe('Klaviyo API revision header (YYYY-MM-DD, optionally .pre).')),
    // http(s) only: the functions send the API key there.
    base_url: z
      ._default(z.url({ protocol: /^https?$/ }), DEFAULT_KLAVIYO_BASE_URL)
      .check(z.describe('Klaviyo API base URL (http or https); a mock or proxy in tests.')),
    timeout_ms: z
      ._default(intBetween(100, 60_000), 10_000)
      .check(z.describe('Per-request timeout (ms); a timeout is retried.')),
    /** Share of each Klaviyo rate limit the relay may use, 0.05–1; the rest is left to the account's other integrations. */
    rate_budget_share: z
      ._default(z.number().check(z.minimum(0.05), z.maximum(1)), 1)
      .check(z.describe('Share of each Klaviyo rate limit the relay may use.')),
    /**
     * A batch with at least this many events goes through Bulk Create Events (1,000 events a request) instead of
     * one Create Event call each. Default 24: one bulk call spends 1/150 of its minute budget, one event call
     * 1/3,500, so from 24 events on a bulk call is the cheaper use of Klaviyo's budget. Above the event source
     * mapping's batch size, bulk is never used.
     */
    bulk_threshold: z
      ._default(intBetween(2, 10_000), 24)
      .check(z.describe('Events in a batch from which Bulk Create Events is used.')),
    /**
     * A batch with at least this many profile upserts on their first attempt sends them as one Bulk Import Profiles
     * job (read back before they count as delivered) instead of one profile import each. Default 20: a job costs
     * 1/150 of the job endpoint's minute budget plus its read-back (1/150 of the job-read budget per look, about 3
     * looks for a job done within seconds); n profile imports cost n/750 of theirs, and 20 spend 4/150, as much as
     * the job. From 2 (a job of one profile costs more calls than its import, whatever the budgets) to 10,000 (a job's
     * most, and the largest batch SQS gives). Lower it when the account's other integrations need profile import's
     * budget; raise it when a job's read-back holding the batch costs too much; above the deliver event source
     * mapping's batch size, jobs are never used.
     */
    profile_bulk_threshold: z
      ._default(intBetween(2, 10_000), DEFAULT_PROFILE_BULK_THRESHOLD)
      .check(
        z.describe(
          'Profile upserts in a batch (first attempts) from which a Bulk Import Profiles job is used.',
        ),
      ),
    /**
     * Longest the pacer sleeps before a request (ms, 0–10,000). A longer wait for Klaviyo's budget puts the
     * message back on the queue with that delay instead, so the function never idles on billed time.
     */
    max_pacing_wait_ms: z
      ._default(intBetween(0, 10_000), 2_000)
      .check(
        z.describe(
          'Longest wait (ms) slept before a request; a longer one puts the message back on the queue.',
        ),
      ),
    /**
     * The deliver event source mapping's maximum concurrency (2–1,000; Terraform sets both from one input).
     * Each instance keeps to 1/n of the burst limits, so instances share the budget instead of fighting over it.
     */
    max_concurrency: z
      ._default(intBetween(1, 1_000), 2)
      .check(
        z.describe(
          "The deliver event source mapping's maximum concurrency (Terraform sets both, from 2; local mode also takes 1).",
        ),
      ),
    /** Klaviyo requests one deliver instance keeps in flight at once per endpoint (1–64), so no endpoint waits for another's. */
    max_in_flight: z
      ._default(intBetween(1, 64), 8)
      .check(z.describe('Klaviyo requests one deliver instance keeps in flight, per Klaviyo endpoint.')),
    lists: klaviyoListsSchema(),
  }),
);
export type KlaviyoSettings = z.infer<ReturnType<typeof klaviyoSettingsSchema>>;
