// What each Lambda bundle holds (esbuild's metafile): ingest and deliver never read a source's hydration or
// mapping, so their bundles hold neither the presets, the mapping and hydration schemas nor JSONata
// (docs/adr/0021-opaque-source-parts-in-ingest-and-deliver.md); hydrate holds all of them. The AWS SDK clients'
// package.json files are bundled as name and version alone, which is all the clients read of them. Cold start:
// each zip ≤ 250 KB (docs/benchmarks.md).
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Metafile } from 'esbuild';
import { bundleMetafile, FUNCTIONS, type FunctionName } from '../../scripts/build.ts';

/** Modules only hydrate needs: what reads or checks a source's hydration and mapping. */
const HYDRATE_ONLY = [
  /^functions\/shared\/config\/presets\//,
  /^functions\/shared\/config\/mapping\.ts$/,
  /^functions\/shared\/config\/hydration\.ts$/,
  /^functions\/shared\/config\/hydration-auth\.ts$/,
  /^functions\/shared\/config\/hydration-body-template\.ts$/,
  /^functions\/shared\/config\/hydration-connection\.ts$/,
  /^functions\/shared\/config\/hydration-pagination\.ts$/,
  /^functions\/shared\/config\/hydration-step\.ts$/,
  /^functions\/shared\/config\/expression\.ts$/,
  /^functions\/shared\/config\/value-spec\.ts$/,
  /^functions\/shared\/config\/relay-config\.ts$/,
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
      expect(modules).toContain('functions/shared/config/opaque-relay-config.ts');
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

  it.each(FUNCTIONS)(
    '%s: each AWS SDK package.json is bundled as name and version, and the SDK reads only the version',
    async (name) => {
      const metafile = metafiles.get(name);
      if (!metafile) throw new Error(`no metafile for ${name}`);
      const isSdkPackageJson = (file: string) => /node_modules\/@aws-sdk\/[^/]+\/package\.json$/.test(file);
      const packageJsons = Object.values(metafile.outputs).flatMap((output) =>
        Object.entries(output.inputs).filter(([input]) => isSdkPackageJson(input)),
      );
      expect(packageJsons.length).toBeGreaterThan(0);
      for (const [input, { bytesInOutput }] of packageJsons) expect(bytesInOutput, input).toBeLessThan(200);
      // Every module that imports one reads `.version` of it and nothing else (a newer SDK reading another field
      // would find it missing: this test says so first).
      const importers = Object.entries(metafile.inputs).filter(([, input]) =>
        input.imports.some((imported) => isSdkPackageJson(imported.path)),
      );
      expect(importers.length).toBeGreaterThan(0);
      for (const [importer] of importers) {
        const source = await readFile(importer, 'utf8');
        const binding = /import\s+(\w+)\s+from\s+["'][^"']*package\.json["']/.exec(source)?.[1];
        expect(binding, importer).toBeDefined();
        const uses = [...source.matchAll(new RegExp(`\\b${binding}\\b(\\.\\w+)?`, 'g'))].map(
          (m) => m[1] ?? '',
        );
        expect(uses.slice(1).length, importer).toBeGreaterThan(0);
        expect(new Set(uses.slice(1)), importer).toEqual(new Set(['.version']));
      }
    },
  );
});
