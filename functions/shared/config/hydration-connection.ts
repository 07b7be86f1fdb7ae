// One connection of a source's hydration (docs/adr/0016-hydration-connections-and-steps.md): a base URL template
// (whose host the configuration, not the webhook, decides: ./hydration-base-url.ts), its auth
// (./hydration-auth.ts), values its steps share, and its own timeout and pace.
import * as z from '../zod.ts';
import { memo } from '../zod.ts';
import { valueSpecSchema } from './value-spec.ts';
import { hydrationAuthSchema } from './hydration-auth.ts';
import { hostPlaceholderOf, HYDRATION_BASE_URL_RULE, isHydrationBaseUrl } from './hydration-base-url.ts';
import { intBetween, lowerSnake } from './schema-shorthands.ts';

/** `{dot.path}` placeholders; in a base URL each is filled like a path placeholder (URL-encoded). */
const PLACEHOLDER = /\{([^{}]+)\}/g;

/**
 * A base URL template is checked with every placeholder standing in for a harmless value; the URL it renders
 * at run time is checked again (functions/hydrate/hydration/connections.ts).
 */
export function isBaseUrlTemplate(template: string): boolean {
  return isHydrationBaseUrl(template.replace(PLACEHOLDER, 'x'));
}

export const baseUrlTemplate = memo(() =>
  z.string().check(
    z.maxLength(2_048),
    z.refine(isBaseUrlTemplate, HYDRATION_BASE_URL_RULE),
    // The configuration, not the webhook, decides which domain gets the credential (./hydration-base-url.ts).
    z.superRefine((template, ctx) => {
      const host = hostPlaceholderOf(template);
      if (host && 'problem' in host)
        ctx.issues.push({ code: 'custom', message: host.problem, input: template });
    }),
  ),
);

export const hydrationConnectionSchema = memo(() =>
  z.strictObject({
    /** Base URL, with `{dot.path}` placeholders filled from the context, e.g. `…/stores/{meta.store_hash}/v2`. */
    base_url: baseUrlTemplate().check(
      z.describe('Base URL, with {dot.path} placeholders filled from the context.'),
    ),
    auth: z
      .optional(hydrationAuthSchema())
      .check(z.describe('The API credential: header (default), bearer, basic or query.')),
    /**
     * Values every step on this connection has as `{params.name}` (a step's own `params` win), e.g. the store
     * hash a base URL needs: `{ "store_hash": { "expr": "$substringAfter(meta.producer, 'stores/')" } }`.
     */
    params: z
      .optional(z.record(lowerSnake(), valueSpecSchema()))
      .check(
        z.describe("Values every step on this connection has as {params.name} (a step's own params win)."),
      ),
    /** This connection's timeout; default the hydration's `timeout_ms`. */
    timeout_ms: z
      .optional(intBetween(100, 30_000))
      .check(z.describe("This connection's timeout (ms); default the hydration's timeout_ms.")),
    /** This connection's own pace; default the hydration's `requests_per_second`. */
    requests_per_second: z
      .optional(z.number().check(z.minimum(0.1), z.maximum(1_000)))
      .check(z.describe("This connection's requests a second; default the hydration's.")),
  }),
);
export type HydrationConnection = z.infer<ReturnType<typeof hydrationConnectionSchema>>;
