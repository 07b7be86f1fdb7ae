// The configuration document as ingest and deliver read it: every source's preset name and kind checked, its
// hydration and mapping only checked to be objects when present and typed `unknown`, so the compiler proves
// these readers never read them and their bundles carry none of what validates them
// (docs/adr/0021-opaque-source-parts-in-ingest-and-deliver.md). The resolved form is ./relay-config.ts.
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
import { resolvePresetKinds } from './preset-names.ts';
import type { SourceKind } from './source-kinds.ts';
import { sourceSchemaWith } from './source-schema.ts';

/** An object, when present, and nothing more is known of it: a part its reader never reads. */
const opaqueObject = memo(() =>
  z.optional(
    z.pipe(
      z.looseObject({}),
      z.transform((part): unknown => part),
    ),
  ),
);

/** Hydration and mapping as ingest and deliver read them: objects when present, of type `unknown`. */
export const opaqueSourceParts = memo(() => ({ hydration: opaqueObject(), mapping: opaqueObject() }));

/** A source as ingest and deliver read it: everything but its hydration and mapping validated. */
export const opaqueSourceSchema = memo(() => sourceSchemaWith(opaqueSourceParts()));
export type OpaqueSourceConfig = z.infer<ReturnType<typeof opaqueSourceSchema>>;
/** True when A and B are the same union. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** The schema has one member for each kind of ./source-kinds.ts and no other: a kind added to one alone fails here. */
const KINDS_AGREE: Same<OpaqueSourceConfig['kind'], SourceKind> = true;
void KINDS_AGREE;

/** The document as ingest and deliver read it: sources' hydration and mapping opaque. */
export const opaqueRelayConfigSchema = memo(() => relayConfigSchemaWith(opaqueSourceSchema()));
export type OpaqueRelayConfig = z.infer<ReturnType<typeof opaqueRelayConfigSchema>>;

/**
 * The document as ingest and deliver read it: presets' names and kinds checked, each source's hydration and mapping
 * left opaque. A document this accepts may still be refused by validateRelayConfig (./relay-config.ts), which hydrate,
 * `relay config validate` and the Terraform tests use.
 */
export function validateOpaqueRelayConfig(raw: unknown): ConfigValidation<OpaqueRelayConfig> {
  return validateWith(raw, resolvePresetKinds, opaqueRelayConfigSchema());
}

/** Parses and validates the document as ingest and deliver read it (validateOpaqueRelayConfig). */
export function parseOpaqueRelayConfig(text: string, origin: string): OpaqueRelayConfig {
  return parseWith(text, origin, validateOpaqueRelayConfig);
}

/**
 * The document as ingest and deliver serve it: validateOpaqueRelayConfig one source at a time, a refused source
 * left out and listed (validateEachSource).
 */
export function parseOpaqueRelayConfigPerSource(
  text: string,
  origin: string,
): OpaqueRelayConfig & SourceRefusals {
  return parseWith(text, origin, (raw) => validateEachSource(raw, validateOpaqueRelayConfig));
}
