// No import cycles anywhere in the repository (functions/, cli/, local/, scripts/, bin/, tests and their helpers):
// a circle of imports ties its files into one unit that cannot be read, tested or moved apart, and at run time
// an ES module circle can hand a file another's bindings before they are set. Type-only imports count too.
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph, specifiersOf } from '../helpers/import-graph.ts';

describe('import cycles', () => {
  it('every kind of import counts: static, type-only, re-export, import() and require() with a literal', () => {
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from './b.ts';",
      "export { c } from './c.ts';",
      "export type { D } from './d.ts';",
      "const e = await import('./e.ts');",
      "const f = require('./f.cjs');",
      "import { z } from 'zod';",
    ].join('\n');
    expect(specifiersOf(text).sort()).toEqual(['./a.ts', './b.ts', './c.ts', './d.ts', './e.ts', './f.cjs']);
  });

  it('a circle is found and named by its files', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
      ['e.ts', ['e.ts']],
    ]);
    expect(importCycles(graph)).toEqual([
      ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
      ['e.ts', 'e.ts'],
    ]);
  });

  it('the graph covers every room of the repository', () => {
    const files = [...importGraph().keys()];
    const rooms = [
      'functions/',
      'operations/',
      'cli/',
      'local/',
      'scripts/',
      'bin/',
      'test/helpers/',
      'test/cli/',
    ];
    for (const room of rooms)
      expect(
        files.some((file) => file.startsWith(room)),
        room,
      ).toBe(true);
  });

  it('no source file imports itself through others', () => {
    const cycles = importCycles(importGraph()).map((cycle) => cycle.join(' -> '));
    expect(cycles, `import cycles:\n${cycles.join('\n')}`).toEqual([]);
  });
});
