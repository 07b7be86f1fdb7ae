// Which room may import which: the functions depend on nothing of ours outside functions/, and each function on
// its own folder and functions/shared only (a handler never reaches into another function's code); operations/ (what the
// CLI and local mode both need to reach a relay) on the functions' shared code only; cli/ and local/ on those two
// and never on each other, so the operator CLI does not pull in local mode's emulators and handlers, nor local
// mode the CLI's commands. Scripts and tests may use any room.
import { describe, expect, it } from 'vitest';
import { importGraph } from '../helpers/import-graph.ts';

const MAY_IMPORT: Record<string, readonly string[]> = {
  'functions/shared': ['functions/shared'],
  'functions/ingest': ['functions/ingest', 'functions/shared'],
  'functions/hydrate': ['functions/hydrate', 'functions/shared'],
  'functions/deliver': ['functions/deliver', 'functions/shared'],
  operations: ['operations', 'functions'],
  cli: ['cli', 'operations', 'functions'],
  local: ['local', 'operations', 'functions'],
  bin: ['cli'],
};

/** The room a file lives in: a top-level folder, or under functions/ one function or their shared code. */
function roomOf(file: string): string {
  const [top = file, second] = file.split('/');
  return top === 'functions' && second !== undefined && `functions/${second}` in MAY_IMPORT
    ? `functions/${second}`
    : top;
}
/** Whether a room may import another: a room allowed `functions` may import every room under it. */
const mayImport = (allowed: readonly string[], target: string) =>
  allowed.some((room) => target === room || target.startsWith(`${room}/`));

describe('room imports', () => {
  it('each room imports only the rooms below it', () => {
    const wrong: string[] = [];
    for (const [file, targets] of importGraph()) {
      const allowed = MAY_IMPORT[roomOf(file)];
      if (!allowed) continue;
      for (const target of targets)
        if (!mayImport(allowed, roomOf(target))) wrong.push(`${file} -> ${target}`);
    }
    expect(wrong, `imports against the rooms' order:\n${wrong.join('\n')}`).toEqual([]);
  });
});
