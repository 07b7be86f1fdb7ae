// The configuration document resolved: the schema of ./document-schema.ts with every source's preset resolved
// and its hydration and mapping validated in full (JSONata expressions compiled). Hydrate, the CLI (`relay config
// validate`, `relay map`…), local mode and the Terraform tests read the document so; ingest and deliver, which
// never read hydration or mapping, read it opaque (./opaque-relay-config.ts) and so do not bundle what is
// imported here (docs/adr/0021-opaque-source-parts-in-ingest-and-deliver.md).
import * as z from '../zod.ts';
import { memo } from '../zod.ts';
import { relayConfigSchemaWith } from './document-schema.ts';
import {
  parseWith,
  validateEachSource,
  validateWith,
  type ConfigValidation,
  type SourceRefusals,
} from './document-validation.ts';
import { hydrationSchema } from './hydration.ts';
import { checkListReferences } from './list-references.ts';
import { mappingSchema } from './mapping.ts';
import { resolvePresets } from './presets/resolve.ts';
import { sourceSchemaWith } from './source-schema.ts';

// What the readers of the whole document use of its parts, re-exported here, where the document is assembled.
export { ConfigError, dropNulls, type ConfigProblem, type SourceRefusals } from './document-validation.ts';
export {
  DEFAULT_KLAVIYO_BASE_URL,
  DEFAULT_KLAVIYO_REVISION,
  klaviyoSettingsSchema,
  type KlaviyoSettings,
} from './klaviyo-settings.ts';
export { parseOpaqueRelayConfig, validateOpaqueRelayConfig } from './opaque-relay-config.ts';
export {
  deployedSecretRefSchema,
  envSecretRefSchema,
  secretRefSchema,
  type SecretRef,
} from './secret-refs.ts';
export type { SourceKind } from './source-kinds.ts';
export { hydrationSchema, type Hydration } from './hydration.ts';
export { hydrationStepSchema, type HydrationStep } from './hydration-step.ts';
export { mappingSchema, type EventSpec, type Mapping } from './mapping.ts';
export { PROFILE_LOCATION_FIELDS, PROFILE_STANDARD_ATTRIBUTES } from './mapping-profile.ts';
export type { SubscriptionSpec, UnsubscriptionSpec, ConsentSpec } from './mapping-consent.ts';

/** Hydration and mapping validated in full: a source without a mapping gets the default mapping. */
export const resolvedSourceParts = memo(() => ({
  hydration: z
    .optional(hydrationSchema())
    .check(z.describe("How the source's API is called before mapping (docs/hydration.md).")),
  mapping: z
    .prefault(mappingSchema(), {})
    .check(z.describe('How a webhook becomes Klaviyo events and a profile (docs/mapping.md).')),
}));

/** One member per sender kind, discriminated by `kind`; hydration and mapping validated. */
export const sourceSchema = memo(() => sourceSchemaWith(resolvedSourceParts()));
export type SourceConfig = z.infer<ReturnType<typeof sourceSchema>>;

/** The document; every list a mapping names is one `klaviyo.lists` holds, or a list id (./list-references.ts). */
export const relayConfigSchema = memo(() =>
  relayConfigSchemaWith(sourceSchema()).check(z.superRefine(checkListReferences)),
);
export type RelayConfig = z.infer<ReturnType<typeof relayConfigSchema>>;

/**
 * The parsed document (nulls dropped, presets resolved, then the schema), or every problem with its path. Every
 * reader of the whole document goes through here, so hydrate, `relay map` and `relay config validate` see one
 * resolved document.
 */
export function validateRelayConfig(raw: unknown): ConfigValidation<RelayConfig> {
  return validateWith(raw, resolvePresets, relayConfigSchema());
}

/** Parses and validates the document; every problem is reported with its path. */
export function parseRelayConfig(text: string, origin: string): RelayConfig {
  return parseWith(text, origin, validateRelayConfig);
}

/**
 * The document as hydrate serves it: validateRelayConfig one source at a time, so that a source whose part is
 * refused (a JSONata syntax error) is left out and listed while every other source is served.
 */
export function parseRelayConfigPerSource(text: string, origin: string): RelayConfig & SourceRefusals {
  return parseWith(text, origin, (raw) => validateEachSource(raw, validateRelayConfig));
}
