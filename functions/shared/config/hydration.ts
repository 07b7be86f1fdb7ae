// The `hydration` section of a source (docs/adr/0016-hydration-connections-and-steps.md): named connections
// (base URL template + auth: ./hydration-connection.ts) and steps (GET/POST, body template, params, when, pick,
// for_each, pagination, cache: ./hydration-step.ts). Today's single `base_url`/`auth` form is one connection,
// named `default`, and parses as before.
import * as z from '../zod.ts';
import { memo } from '../zod.ts';
import { hydrationAuthSchema } from './hydration-auth.ts';
import { baseUrlTemplate, hydrationConnectionSchema } from './hydration-connection.ts';
import { repeatedPathPrefixes } from './hydration-path-prefix.ts';
import { hydrationStepSchema } from './hydration-step.ts';
import { intBetween, lowerSnake } from './schema-shorthands.ts';

/** The name of the connection today's single `base_url`/`auth` form stands for. */
export const DEFAULT_CONNECTION = 'default';

export const hydrationSchema = memo(() =>
  z
    .strictObject({
      /** Today's form: one connection (named `default`). Use either this or `connections`. */
      base_url: z.optional(baseUrlTemplate()),
      /** Header that carries the API credential, e.g. `authorization` with prefix `Bearer `, or another kind. */
      auth: z.optional(hydrationAuthSchema()),
      /** Named connections, each with its base URL template and auth (1–10). */
      connections: z.optional(
        z
          .record(lowerSnake(), hydrationConnectionSchema())
          .check(
            z.refine((c) => Object.keys(c).length >= 1 && Object.keys(c).length <= 10, '1 to 10 connections'),
          ),
      ),
      timeout_ms: z
        ._default(intBetween(100, 30_000), 5_000)
        .check(z.describe('Timeout of each call (ms), body included.')),
      /**
       * Requests a second each hydrate instance sends this source's API at most (0.1–1,000), evenly spaced. Unset:
       * no limit of the relay's own; the API's Retry-After and rate headers still set the pace (source-pacer.ts).
       */
      requests_per_second: z.optional(z.number().check(z.minimum(0.1), z.maximum(1_000))),
      steps: z
        .array(hydrationStepSchema())
        .check(z.minLength(1), z.maxLength(10), z.describe('The calls, in order (1 to 10).')),
    })
    .check(
      z.refine((h) => (h.base_url === undefined) !== (h.connections === undefined), {
        message: 'set base_url (one connection) or connections, not both',
        path: ['base_url'],
      }),
      z.refine((h) => h.connections === undefined || h.auth === undefined, {
        message: 'with connections, auth goes inside each connection',
        path: ['auth'],
      }),
      z.refine(stepsNameTheirConnection, {
        message:
          'each step names a configured connection (connection may be left out only when there is exactly one)',
        path: ['steps'],
      }),
      z.superRefine((h, ctx) => {
        const connections = h.connections
          ? Object.entries(h.connections).map(([name, c]) => ({
              name,
              baseUrl: c.base_url,
              at: ['connections', name, 'base_url'],
            }))
          : h.base_url === undefined
            ? []
            : [{ name: DEFAULT_CONNECTION, baseUrl: h.base_url, at: ['base_url'] }];
        for (const { at, message } of repeatedPathPrefixes(connections, h.steps))
          ctx.issues.push({ code: 'custom', message, path: at, input: h });
      }),
    ),
);
export type Hydration = z.infer<ReturnType<typeof hydrationSchema>>;

function stepsNameTheirConnection(h: {
  connections?: Record<string, unknown> | undefined;
  steps: { connection?: string | undefined }[];
}): boolean {
  const names = h.connections ? Object.keys(h.connections) : [DEFAULT_CONNECTION];
  return h.steps.every((s) =>
    s.connection === undefined ? names.length === 1 : names.includes(s.connection),
  );
}
