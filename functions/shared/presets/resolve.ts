// Presets are resolved when the document is parsed, before the schema sees it: the functions, `relay map` and
// `relay config validate` all read the same resolved source, and the preset's expressions are compiled and
// checked like the source's own.
import { overlay } from './merge.ts';
import { PRESETS, PRESET_NAMES, type PresetName } from './index.ts';

export interface PresetProblem {
  path: (string | number)[];
  message: string;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const valueAt = (value: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>((at, key) => (isPlainObject(at) ? at[key] : undefined), value);

const isPresetName = (name: unknown): name is PresetName =>
  typeof name === 'string' && (PRESET_NAMES as readonly string[]).includes(name);

/** A source with `preset`: the preset's kind, hydration and mapping, with the source's own settings over them. */
export function resolveSourcePreset(
  source: Record<string, unknown>,
  path: (string | number)[],
): { source: Record<string, unknown> } | { problem: PresetProblem } {
  const name = source.preset;
  if (name === undefined) return { source };
  if (!isPresetName(name))
    return {
      problem: { path: [...path, 'preset'], message: `unknown preset; one of ${PRESET_NAMES.join(', ')}` },
    };
  const preset = PRESETS[name];
  if (source.kind !== undefined && source.kind !== preset.kind)
    return {
      problem: {
        path: [...path, 'preset'],
        message: `the ${name} preset reads ${preset.kind} webhooks; this source's kind is ${JSON.stringify(source.kind)}`,
      },
    };
  // A copy: the preset objects are shared by every source and every load.
  const base = structuredClone({ kind: preset.kind, hydration: preset.hydration, mapping: preset.mapping });
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
  if (!isPlainObject(document) || !isPlainObject(document.sources)) return { document, problems: [] };
  const problems: PresetProblem[] = [];
  const sources: Record<string, unknown> = {};
  for (const [key, source] of Object.entries(document.sources)) {
    if (!isPlainObject(source)) {
      sources[key] = source;
      continue;
    }
    const resolved = resolveSourcePreset(source, ['sources', key]);
    if ('problem' in resolved) {
      problems.push(resolved.problem);
      sources[key] = source;
    } else sources[key] = resolved.source;
  }
  return { document: { ...document, sources }, problems };
}
