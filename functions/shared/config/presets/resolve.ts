// Presets are resolved when the document is parsed, before the schema sees it: hydrate, `relay map` and
// `relay config validate` all read the same resolved source, and the preset's expressions are compiled and
// checked like the source's own. (Ingest and deliver take only the preset's kind: ../preset-names.ts.)
import { overlay } from './merge.ts';
import { withOptedInRecords } from './opt-in.ts';
import { PRESETS } from './index.ts';
import { isPlainObject } from '../../json/is-plain-object.ts';
import { checkPreset, resolveEachSource, type PresetProblem } from '../preset-names.ts';

export type { PresetProblem } from '../preset-names.ts';

const valueAt = (value: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>((at, key) => (isPlainObject(at) ? at[key] : undefined), value);

/** A source with `preset`: the preset's kind, hydration and mapping, with the source's own settings over them. */
export function resolveSourcePreset(
  source: Record<string, unknown>,
  path: (string | number)[],
): { source: Record<string, unknown> } | { problem: PresetProblem } {
  const checked = checkPreset(source, path);
  if ('problem' in checked) return checked;
  const name = checked.name;
  if (name === undefined) return { source };
  const preset = PRESETS[name];
  // A copy: the preset objects are shared by every source and every load.
  const base = structuredClone({
    kind: preset.kind,
    hydration: preset.hydration,
    mapping: withOptedInRecords(preset, source),
  });
  const resolved = overlay(base, source) as Record<string, unknown>;
  for (const required of preset.requires ?? []) {
    if (valueAt(resolved, required.path) === undefined)
      return {
        problem: {
          path: [...path, ...required.path],
          message: `the ${name} preset needs ${required.what}, e.g. ${JSON.stringify(required.example)}`,
        },
      };
  }
  return { source: resolved };
}

/** The document with every source's preset resolved (nulls already dropped), and what stood in the way. */
export function resolvePresets(document: unknown): { document: unknown; problems: PresetProblem[] } {
  return resolveEachSource(document, resolveSourcePreset);
}
