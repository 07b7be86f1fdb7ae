// docs/development.md lists the packages whose `EBADENGINE` warnings `npm ci` prints on Node 20 (npm checks a
// package's `engines.node` against the Node that runs npm, not the Node 22 the scripts run under). The list must
// be the lockfile's, exactly (issue 22: it had left out commander): a package that starts to need Node 22 makes
// this fail until the docs name it.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

/** The Node 20 the docs speak of: its last minor line, which the newest tools (eslint, vite) accept. */
const NODE_20 = [20, 19, 0] as const;

type Version = readonly [number, number, number];
const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

function versionOf(text: string): { version: Version; parts: number } {
  const match = /^(\d+)(?:\.(\d+|x))?(?:\.(\d+|x))?$/.exec(text);
  if (!match) throw new Error(`not a version this check reads: "${text}"`);
  const parts = [match[1], match[2], match[3]].filter((p) => p !== undefined && p !== 'x').length;
  return { version: [Number(match[1]), Number(match[2] ?? 0) || 0, Number(match[3] ?? 0) || 0], parts };
}

/** Whether `version` satisfies an engines range of the forms npm packages here use (`*`, `>=`, `^`, `X`, `||`). */
function satisfies(version: Version, range: string): boolean {
  return range.split('||').some((alternative) =>
    alternative
      .trim()
      .replace(/(>=|\^)\s+/g, '$1')
      .split(/\s+/)
      .every((comparator) => {
        if (comparator === '*' || comparator === '') return true;
        const op = /^(>=|\^)?(.*)$/.exec(comparator);
        const { version: bound, parts } = versionOf(op?.[2] ?? '');
        if (op?.[1] === '>=') return compare(version, bound) >= 0;
        if (op?.[1] === '^') return version[0] === bound[0] && compare(version, bound) >= 0;
        // A bare version: the same major (and minor, when given).
        return version[0] === bound[0] && (parts < 2 || version[1] === bound[1]);
      }),
  );
}

describe('the EBADENGINE warnings docs/development.md expects', () => {
  it('reads the ranges the lockfile holds', () => {
    expect(satisfies(NODE_20, '>=22.12.0')).toBe(false);
    expect(satisfies(NODE_20, '^22.12.0 || ^24.0.0 || >=26.0.0')).toBe(false);
    expect(satisfies(NODE_20, '^20.19.0 || >=22.12.0')).toBe(true);
    expect(satisfies(NODE_20, '18 || 20 || >=22')).toBe(true);
    expect(satisfies(NODE_20, '>= 10.x')).toBe(true);
    expect(() => satisfies(NODE_20, '~20.1')).toThrow(/not a version/);
  });

  it('are exactly the installed packages that need a newer Node than 20', async () => {
    const lock = JSON.parse(await readFile('package-lock.json', 'utf8')) as {
      packages: Record<string, { engines?: { node?: string }; optional?: boolean }>;
    };
    // npm skips optional packages it cannot install, and the root (it has devEngines), without a warning.
    const warned = Object.entries(lock.packages)
      .filter(([at, info]) => at !== '' && !info.optional && info.engines?.node !== undefined)
      .filter(([, info]) => !satisfies(NODE_20, info.engines?.node ?? '*'))
      .map(([at]) => at.replace(/^.*node_modules\//, ''));
    const docs = await readFile('docs/development.md', 'utf8');
    const sentence = /`EBADENGINE` warnings[\s\S]*?\(today ([^)]*?);/.exec(docs)?.[1] ?? '';
    const listed = [...sentence.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');
    expect(listed.sort()).toEqual([...new Set(warned)].sort());
  });
});
