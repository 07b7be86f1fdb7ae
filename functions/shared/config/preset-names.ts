// The presets' names and the sender kind each one reads: all that a function which never reads a source's
// hydration or mapping (ingest, deliver) needs to know about presets, since a source may name a preset instead
// of a kind. The presets themselves (./presets/: hydration, mapping, JSONata expressions) are bundled only where
// they are read (docs/adr/0021-opaque-source-parts-in-ingest-and-deliver.md).
import { isPlainObject } from '../json/is-plain-object.ts';
import type { SourceKind } from './source-kinds.ts';

export const PRESET_NAMES = ['shopify', 'bigcommerce', 'stripe', 'woocommerce', 'zendesk'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** The kind of webhook each preset reads (each preset's own `kind`; test/unit/presets.test.ts keeps them equal). */
export const PRESET_KINDS = {
  shopify: 'shopify',
  bigcommerce: 'bigcommerce',
  stripe: 'stripe',
  woocommerce: 'woocommerce',
  zendesk: 'zendesk',
} as const satisfies Record<PresetName, SourceKind>;

export interface PresetProblem {
  path: (string | number)[];
  message: string;
}

const isPresetName = (name: unknown): name is PresetName =>
  typeof name === 'string' && (PRESET_NAMES as readonly string[]).includes(name);

/**
 * A source's `preset`: unset, or a known name whose kind is the source's own (when the source names a kind).
 * The one check of a preset's name and kind, whether the preset is then resolved in full (./presets/resolve.ts)
 * or only its kind is taken (resolvePresetKinds).
 */
export function checkPreset(
  source: Record<string, unknown>,
  path: (string | number)[],
): { name: PresetName | undefined } | { problem: PresetProblem } {
  const name = source.preset;
  if (name === undefined) return { name: undefined };
  if (!isPresetName(name))
    return {
      problem: { path: [...path, 'preset'], message: `unknown preset; one of ${PRESET_NAMES.join(', ')}` },
    };
  const kind = PRESET_KINDS[name];
  if (source.kind !== undefined && source.kind !== kind)
    return {
      problem: {
        path: [...path, 'preset'],
        message: `the ${name} preset reads ${kind} webhooks; this source's kind is ${JSON.stringify(source.kind)}`,
      },
    };
  return { name };
}

/**
 * The document with `resolve` applied to every source that is an object (nulls already dropped), and what stood
 * in the way; a source with a problem is left as it was.
 */
export function resolveEachSource(
  document: unknown,
  resolve: (
    source: Record<string, unknown>,
    path: (string | number)[],
  ) => { source: Record<string, unknown> } | { problem: PresetProblem },
): { document: unknown; problems: PresetProblem[] } {
  if (!isPlainObject(document) || !isPlainObject(document.sources)) return { document, problems: [] };
  const problems: PresetProblem[] = [];
  const sources: Record<string, unknown> = {};
  for (const [key, source] of Object.entries(document.sources)) {
    if (!isPlainObject(source)) {
      sources[key] = source;
      continue;
    }
    const resolved = resolve(source, ['sources', key]);
    if ('problem' in resolved) {
      problems.push(resolved.problem);
      sources[key] = source;
    } else sources[key] = resolved.source;
  }
  return { document: { ...document, sources }, problems };
}

/**
 * Every source's preset checked and its kind taken from the preset, its hydration and mapping left as written:
 * what ingest and deliver read (they never read hydration or mapping, so they need not resolve them).
 */
export function resolvePresetKinds(document: unknown): { document: unknown; problems: PresetProblem[] } {
  return resolveEachSource(document, (source, path) => {
    const checked = checkPreset(source, path);
    if ('problem' in checked) return checked;
    return { source: checked.name === undefined ? source : { ...source, kind: PRESET_KINDS[checked.name] } };
  });
}
