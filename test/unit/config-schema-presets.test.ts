// The JSON Schema editors use (config/relay-config.schema.json) and `relay config validate` agree on a source
// that names a preset instead of a kind (issue 22): the preset gives the kind, so both take it; a source with
// neither, or with a preset another kind reads, is refused by both.
import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { validateRelayConfig } from '../../functions/shared/config/relay-config.ts';
import { PRESET_NAMES, PRESETS } from '../../functions/shared/config/presets/index.ts';
import { JSON_SCHEMA_FILE } from '../../scripts/generate-config.ts';

let compiled: ReturnType<Ajv2020['compile']> | undefined;
async function editorSchema() {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return (compiled = ajv.compile(JSON.parse(await readFile(JSON_SCHEMA_FILE, 'utf8')) as object));
}

/** A document with one source, with what each preset requires of it (its example values). */
function documentWith(source: Record<string, unknown>): unknown {
  const name = source.preset as keyof typeof PRESETS | undefined;
  const filled = structuredClone(source);
  for (const { path, example } of (name && PRESETS[name]?.requires) ?? []) {
    let at = filled;
    for (const key of path.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
    at[path.at(-1) ?? ''] = example;
  }
  return { version: 1, sources: { one: filled }, klaviyo: { api_key: { env: 'KLAVIYO_API_KEY' } } };
}

const byBoth = async (document: unknown) => ({
  relay: validateRelayConfig(document).success,
  editor: (await editorSchema())(document),
});

describe('a source that names a preset instead of a kind', () => {
  it.each(PRESET_NAMES)('%s: both the relay and the editor’s schema take it', async (preset) => {
    expect(await byBoth(documentWith({ preset, secrets: [{ env: 'SECRET' }] }))).toEqual({
      relay: true,
      editor: true,
    });
  });

  it('with its kind too: both take it', async () => {
    const document = documentWith({ kind: 'stripe', preset: 'stripe', secrets: [{ env: 'SECRET' }] });
    expect(await byBoth(document)).toEqual({ relay: true, editor: true });
  });

  it('with neither kind nor preset: both refuse it', async () => {
    expect(await byBoth(documentWith({ secrets: [{ env: 'SECRET' }] }))).toEqual({
      relay: false,
      editor: false,
    });
  });

  it('a kind no preset reads still needs its kind', async () => {
    const source = {
      secrets: [{ env: 'SECRET' }],
      signature: { header: 'x-signature' },
    };
    expect(await byBoth(documentWith(source))).toEqual({ relay: false, editor: false });
    expect(await byBoth(documentWith({ kind: 'generic-hmac', ...source }))).toEqual({
      relay: true,
      editor: true,
    });
  });
});
