// A source may name a preset instead of a kind: the preset gives it (functions/shared/config/preset-names.ts,
// presets/resolve.ts), so `{ "preset": "shopify", "secrets": […] }` is a whole source to the relay. The schema
// z.toJSONSchema writes describes each kind's source with `kind` required; for the file's editors, each kind a
// preset reads takes either `kind` or one of those presets, so the editor and `config validate` agree.
// (scripts/generate-config.ts applies it to the file's schema only; Terraform's types are generated apart.)
import { PRESET_KINDS } from '../../functions/shared/config/preset-names.ts';
import type { JsonSchema } from './json-schema.ts';

/** The schema with each kind's source requiring `kind`, or `preset` naming a preset of that kind. */
export function withPresetOnlySources(schema: JsonSchema): JsonSchema {
  const variants = schema.properties?.sources?.additionalProperties;
  const kinds = typeof variants === 'object' ? variants.oneOf : undefined;
  if (kinds === undefined) throw new Error('the schema has no sources.additionalProperties.oneOf of kinds');
  for (const variant of kinds) {
    const kind = variant.properties?.kind?.const;
    const presets = Object.entries(PRESET_KINDS)
      .filter(([, presetKind]) => presetKind === kind)
      .map(([name]) => name);
    if (presets.length === 0 || !variant.required?.includes('kind')) continue;
    variant.required = variant.required.filter((field) => field !== 'kind');
    variant.anyOf = [
      { required: ['kind'] },
      { required: ['preset'], properties: { preset: { enum: presets } } },
    ];
  }
  return schema;
}
