// Which room may import which: the functions depend on nothing of ours outside functions/; operations/ (what the
// CLI and local mode both need to reach a relay) on the functions' shared code only; cli/ and local/ on those two
// and never on each other, so the operator CLI does not pull in local mode's emulators and handlers, nor local
// mode the CLI's commands. Scripts and tests may use any room.
import { describe, expect, it } from 'vitest';
import { importGraph } from '../helpers/import-graph.ts';

const MAY_IMPORT: Record<string, readonly string[]> = {
  functions: ['functions'],
  operations: ['operations', 'functions'],
  cli: ['cli', 'operations', 'functions'],
  local: ['local', 'operations', 'functions'],
  bin: ['cli'],
};

const roomOf = (file: string) => file.split('/')[0] ?? file;

describe('room imports', () => {
  it('each room imports only the rooms below it', () => {
    const wrong: string[] = [];
    for (const [file, targets] of importGraph()) {
      const allowed = MAY_IMPORT[roomOf(file)];
      if (!allowed) continue;
      for (const target of targets) if (!allowed.includes(roomOf(target))) wrong.push(`${file} -> ${target}`);
    }
    expect(wrong, `imports against the rooms' order:\n${wrong.join('\n')}`).toEqual([]);
  });
});
