// What each Lambda bundle holds (esbuild's metafile): ingest and deliver never read a source's hydration or
// mapping, so their bundles hold neither the presets, the mapping and hydration schemas nor JSONata
// (docs/adr/0021-opaque-source-parts-in-ingest-and-deliver.md); hydrate holds all of them. Cold start: each zip
// ≤ 250 KB (docs/benchmarks.md).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Metafile } from 'esbuild';
import { bundleMetafile, FUNCTIONS, type FunctionName } from '../../scripts/build.ts';

/** Modules only hydrate needs: what reads or checks a source's hydration and mapping. */
const HYDRATE_ONLY = [
  /^functions\/shared\/presets\//,
  /^functions\/shared\/mapping-config\.ts$/,
  /^functions\/shared\/hydration-config\.ts$/,
  /^functions\/shared\/expression\.ts$/,
  /^functions\/shared\/config\.ts$/,
  /^functions\/hydrate\//,
  /(^|\/)node_modules\/jsonata\//,
];

const metafiles = new Map<FunctionName, Metafile>();
beforeAll(async () => {
  for (const name of FUNCTIONS) metafiles.set(name, await bundleMetafile(name));
});

/** The modules that put bytes in the function's bundle (an import esbuild dropped whole is not listed). */
function bundled(name: FunctionName): string[] {
  const metafile = metafiles.get(name);
  if (!metafile) throw new Error(`no metafile for ${name}`);
  return Object.values(metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
      .map(([input]) => input),
  );
}

describe('bundle contents', () => {
  it.each(['ingest', 'deliver'] as const)(
    '%s holds no presets, mapping or hydration schema, expressions or JSONata',
    (name) => {
      const modules = bundled(name);
      expect(modules.length).toBeGreaterThan(50);
      expect(modules.filter((module) => HYDRATE_ONLY.some((pattern) => pattern.test(module)))).toEqual([]);
      // What they parse the document with instead.
      expect(modules).toContain('functions/shared/config-schema.ts');
    },
  );

  it('hydrate holds them (the patterns above name real modules)', () => {
    const modules = bundled('hydrate');
    for (const pattern of HYDRATE_ONLY)
      expect(
        modules.some((module) => pattern.test(module)),
        `${pattern}`,
      ).toBe(true);
  });
});
