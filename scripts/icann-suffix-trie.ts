// The Public Suffix List as the Lambda bundles carry it: the ICANN section alone. tldts ships both sections of the
// list in one trie (tldts/dist/es6/src/data/trie.js, ~124 KB minified); hydrate asks only whether a base URL's fixed
// host part is registrable under the ICANN section (getDomain's default, allowPrivateDomains false:
// functions/shared/config/hydration-base-url.ts). With private rules not allowed, tldts never stops on a node that
// only private rules mark, so the subtrees that hold no ICANN rule are dropped at build time; every answer for the
// ICANN section stays as it was (test/unit/icann-suffix-trie.test.ts compares them for every rule of the list).
import { readFile } from 'node:fs/promises';
import type * as esbuild from 'esbuild';

/** The trie's arrays, as tldts's generated module exports them. */
export interface SuffixTrie {
  nodeFlags: ArrayLike<number>;
  edgeStart: ArrayLike<number>;
  edgeLength: ArrayLike<number>;
  edgeChild: ArrayLike<number>;
  labelText: string;
  rulesRoot: number;
  exceptionsRoot: number;
}

/** tldts's flag of a node an ICANN rule ends at (2 marks private rules). */
const ICANN = 1;

/** The trie without the nodes, edges and labels below which no ICANN rule ends; node order and edge order kept. */
export function icannOnly(trie: SuffixTrie): SuffixTrie {
  const nodes = trie.nodeFlags.length;
  const at = (array: ArrayLike<number>, index: number): number => array[index] ?? 0;
  // Nodes are shared between parents (the trie is a DAG), so each is judged once.
  const keep = new Map<number, boolean>();
  const kept = (node: number): boolean => {
    const known = keep.get(node);
    if (known !== undefined) return known;
    let holdsIcann = (at(trie.nodeFlags, node) & ICANN) !== 0;
    for (let edge = at(trie.edgeStart, node); edge < at(trie.edgeStart, node + 1); edge += 1)
      if (kept(at(trie.edgeChild, edge))) holdsIcann = true;
    keep.set(node, holdsIcann);
    return holdsIcann;
  };
  kept(trie.rulesRoot);
  kept(trie.exceptionsRoot);
  const isRoot = (node: number) => node === trie.rulesRoot || node === trie.exceptionsRoot;

  const renumbered = new Map<number, number>();
  for (let node = 0; node < nodes; node += 1)
    if (keep.get(node) === true || isRoot(node)) renumbered.set(node, renumbered.size);

  const nodeFlags: number[] = [];
  const edgeStart: number[] = [];
  const edgeLength: number[] = [];
  const edgeChild: number[] = [];
  const labels: string[] = [];
  let offset = 0;
  for (let node = 0; node < nodes; node += 1) {
    const keptNode = renumbered.has(node);
    if (keptNode) {
      nodeFlags.push(at(trie.nodeFlags, node));
      edgeStart.push(edgeLength.length);
    }
    for (let edge = at(trie.edgeStart, node); edge < at(trie.edgeStart, node + 1); edge += 1) {
      const length = at(trie.edgeLength, edge);
      const child = renumbered.get(at(trie.edgeChild, edge));
      if (keptNode && child !== undefined && keep.get(at(trie.edgeChild, edge)) === true) {
        edgeLength.push(length);
        edgeChild.push(child);
        labels.push(trie.labelText.slice(offset, offset + length));
      }
      offset += length;
    }
  }
  edgeStart.push(edgeLength.length);
  return {
    nodeFlags,
    edgeStart,
    edgeLength,
    edgeChild,
    labelText: labels.join(''),
    rulesRoot: renumbered.get(trie.rulesRoot) ?? 0,
    exceptionsRoot: renumbered.get(trie.exceptionsRoot) ?? 0,
  };
}

/** The trie as a module in the shape of tldts's own (typed arrays, exported by the same names). */
export function trieModule(trie: SuffixTrie): string {
  const array = (type: string, values: ArrayLike<number>) =>
    `/*#__PURE__*/ new ${type}(${JSON.stringify(Array.from(values))})`;
  return [
    `export const nodeFlags = ${array('Uint8Array', trie.nodeFlags)};`,
    `export const edgeStart = ${array('Uint16Array', trie.edgeStart)};`,
    `export const edgeLength = ${array('Uint8Array', trie.edgeLength)};`,
    `export const edgeChild = ${array('Uint16Array', trie.edgeChild)};`,
    `export const labelText = ${JSON.stringify(trie.labelText)};`,
    `export const rulesRoot = ${trie.rulesRoot};`,
    `export const exceptionsRoot = ${trie.exceptionsRoot};`,
    '',
  ].join('\n');
}

/** Reads tldts's generated trie module (a module of constant arrays and a string) without running it. */
export async function readTrieModule(file: string): Promise<SuffixTrie> {
  const text = await readFile(file, 'utf8');
  const value = (name: string): string => {
    const found = new RegExp(`export const ${name} = (?:/\\*#__PURE__\\*/ new \\w+\\()?([^;]*?)\\)?;`).exec(
      text,
    );
    if (!found?.[1]) throw new Error(`${file}: no ${name} (has tldts changed the shape of its trie?)`);
    return found[1];
  };
  const numbers = (name: string) => JSON.parse(value(name)) as number[];
  return {
    nodeFlags: numbers('nodeFlags'),
    edgeStart: numbers('edgeStart'),
    edgeLength: numbers('edgeLength'),
    edgeChild: numbers('edgeChild'),
    labelText: JSON.parse(value('labelText')) as string,
    rulesRoot: Number(value('rulesRoot')),
    exceptionsRoot: Number(value('exceptionsRoot')),
  };
}

/** The esbuild plugin: tldts's trie module, wherever tldts is resolved from, bundled as its ICANN section alone. */
export function icannOnlySuffixTrie(): esbuild.Plugin {
  return {
    name: 'tldts-icann-only',
    setup(build) {
      build.onLoad(
        { filter: /[/\\]node_modules[/\\]tldts[/\\]dist[/\\]es6[/\\]src[/\\]data[/\\]trie\.js$/ },
        async (args) => ({
          contents: trieModule(icannOnly(await readTrieModule(args.path))),
          loader: 'js',
        }),
      );
    },
  };
}
