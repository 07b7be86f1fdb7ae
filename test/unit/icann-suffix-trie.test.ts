// The Lambda bundles carry tldts's Public Suffix List as its ICANN section alone (scripts/icann-suffix-trie.ts):
// tldts bundled with that trie must answer getDomain and getPublicSuffix (default options: ICANN rules only) exactly
// as tldts itself does, for a host under every rule of the full list, private rules included.
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as Tldts from 'tldts';
import { bundleOptions } from '../../scripts/build.ts';
import { icannOnly, readTrieModule, type SuffixTrie } from '../../scripts/icann-suffix-trie.ts';

const require = createRequire(import.meta.url);
const TRIE_FILE = require
  .resolve('tldts')
  .replace(/dist[/\\]cjs[/\\]index\.js$/, 'dist/es6/src/data/trie.js');

let full: SuffixTrie;
let trieBytes: number[];
let bundled: Pick<typeof Tldts, 'getDomain' | 'getPublicSuffix'>;
const original = require('tldts') as typeof Tldts;

beforeAll(async () => {
  full = await readTrieModule(TRIE_FILE);
  // Bundled as the Lambda bundles are (without their require shim, which a data: URL module cannot use).
  const result = await esbuild.build({
    ...bundleOptions(),
    banner: {},
    stdin: { contents: "export { getDomain, getPublicSuffix } from 'tldts';", resolveDir: process.cwd() },
    write: false,
    metafile: true,
  });
  trieBytes = Object.values(result.metafile.outputs)
    .flatMap((output) => Object.entries(output.inputs))
    .filter(([input]) => input.endsWith('tldts/dist/es6/src/data/trie.js'))
    .map(([, { bytesInOutput }]) => bytesInOutput);
  const code = result.outputFiles[0]?.text ?? '';
  bundled = (await import(
    `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`
  )) as typeof bundled;
});

/** Every suffix the trie spells, from both roots (`*` filled with a label), as host names. */
function suffixes(trie: SuffixTrie): string[] {
  const out = new Set<string>();
  let offset = 0;
  const labelOf: string[] = [];
  for (let edge = 0; edge < trie.edgeLength.length; edge += 1) {
    const length = trie.edgeLength[edge] ?? 0;
    labelOf.push(trie.labelText.slice(offset, offset + length));
    offset += length;
  }
  const walk = (node: number, labels: string[]) => {
    for (let edge = trie.edgeStart[node] ?? 0; edge < (trie.edgeStart[node + 1] ?? 0); edge += 1) {
      const label = labelOf[edge] === '*' ? 'wild' : (labelOf[edge] ?? '');
      const next = [label, ...labels];
      out.add(next.join('.'));
      walk(trie.edgeChild[edge] ?? 0, next);
    }
  };
  walk(trie.rulesRoot, []);
  walk(trie.exceptionsRoot, []);
  return [...out];
}

describe('the ICANN-only public suffix trie', () => {
  it('answers as tldts does for a host under every rule of the full list', () => {
    const hosts = suffixes(full).flatMap((suffix) => [suffix, `shop.${suffix}`, `a.shop.${suffix}`]);
    expect(hosts.length).toBeGreaterThan(20_000);
    expect(hosts).toContain('shop.blogspot.com'); // a private rule: judged under .com alone
    const differing = hosts.filter(
      (host) =>
        bundled.getDomain(host) !== original.getDomain(host) ||
        bundled.getPublicSuffix(host) !== original.getPublicSuffix(host),
    );
    expect(differing).toEqual([]);
  });

  it('is the trie the bundles hold, a quarter smaller than the full one', () => {
    const pruned = icannOnly(full);
    expect(trieBytes).toHaveLength(1);
    expect(trieBytes[0]).toBeLessThan(100_000); // the full trie: ~124 KB minified
    expect(pruned.labelText.length).toBeLessThan(full.labelText.length * 0.75);
    expect(pruned.edgeLength.length).toBeLessThan(full.edgeLength.length * 0.75);
  });
});
