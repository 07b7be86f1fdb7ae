// The one configuration document's schema: what each source is, how to verify it, and how to reach Klaviyo.
// Terraform renders the document from the module's `sources`/`klaviyo` inputs (same snake_case names); local
// mode reads it from a JSON file. It holds secret *references*, never secret values (./secret-refs.ts).
//
// The schema is written once, in this module and those it composes (./source-schema.ts, ./source-verification.ts,
// ./klaviyo-settings.ts, ./stage-settings.ts), over the per-source parts that only hydrate reads — a source's
// `hydration` and `mapping` — so that each reader parses the document in one of two shapes
// (docs/adr/0021-opaque-source-parts-in-ingest-and-deliver.md):
// - resolved (./relay-config.ts): presets resolved, hydration and mapping validated in full, JSONata compiled.
//   Hydrate, the CLI, local mode and the tests read it so;
// - opaque (./opaque-relay-config.ts): a preset's name and kind checked, hydration and mapping only checked to be
//   objects when present, and typed `unknown`, so the compiler proves the reader never reads them. Ingest and
//   deliver read it so, and their bundles carry no presets, mapping or hydration schemas and no JSONata.
// These modules must not import ./relay-config.ts, ./mapping.ts, ./hydration*.ts, ./expression*.ts,
// ./value-spec.ts or the presets (only ./preset-names.ts): test/unit/bundle-contents.test.ts checks the ingest
// and deliver bundles.
import * as z from '../zod.ts';
import { klaviyoSettingsSchema } from './klaviyo-settings.ts';
import { hydrateSettingsSchema, ingestSettingsSchema } from './stage-settings.ts';

export const CONFIG_VERSION = 1;

/** The document, each source validated by `source` (sourceSchemaWith with one shape's parts). */
export function relayConfigSchemaWith<S extends z.ZodMiniType>(source: S) {
  return z.strictObject({
    version: z.literal(CONFIG_VERSION),
    sources: z
      .record(
        z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, - and _')),
        source,
      )
      .check(
        z.describe(
          'Webhook sources keyed by the {source} segment of their webhook URL, each with its sender kind, secret references, optional preset, hydration and mapping (see docs/configuration.md, docs/hydration.md and docs/mapping.md).',
        ),
      ),
    klaviyo: klaviyoSettingsSchema().check(
      z.describe(
        "Klaviyo settings: the API key reference, API revision, base URL, timeout, and how deliver shares Klaviyo's rate limits (see docs/delivery.md).",
      ),
    ),
    ingest: ingestSettingsSchema(),
    hydrate: hydrateSettingsSchema(),
  });
}
