// Files under functions/ stay small enough to read in one sitting (issue 19): one job each, split by job when
// they grow. A file may stay longer when its header says why, on a line starting `// Over 250 lines:`.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const LIMIT = 250;
const REASON = /^\/\/ Over 250 lines: \S/m;

function trackedSources(folder: string): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', folder], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter((file) => file.endsWith('.ts'));
}

/** The leading comment block: the header, where a file says what it is and why it is shaped so. */
function header(text: string): string {
  const lines = text.split('\n');
  const end = lines.findIndex((line) => !line.startsWith('//'));
  return lines.slice(0, end === -1 ? lines.length : end).join('\n');
}

/** Lines as `wc -l` counts them: a final newline ends the last line rather than starting another. */
const lineCount = (text: string): number => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

export function oversizedWithoutReason(files: ReadonlyMap<string, string>): string[] {
  return [...files]
    .filter(([, text]) => lineCount(text) > LIMIT && !REASON.test(header(text)))
    .map(([file, text]) => `${file}: ${lineCount(text)} lines`);
}

describe('file sizes under functions/', () => {
  it(`no file is over ${LIMIT} lines without a reason in its header`, () => {
    const files = new Map(
      trackedSources('functions').map((file) => [file, readFileSync(file, 'utf8')] as const),
    );
    expect(files.size).toBeGreaterThan(50);
    expect(oversizedWithoutReason(files)).toEqual([]);
  });

  it('the check flags a long file, and accepts one whose header gives the reason', () => {
    const body = Array.from(
      { length: LIMIT + 1 },
      (_, index) => `export const line${index} = ${index};`,
    ).join('\n');
    const long = `// One job.\n${body}`;
    const explained = `// One job.\n// Over 250 lines: the table of every code reads best whole.\n${body}`;
    expect(oversizedWithoutReason(new Map([['a.ts', `${long}\n`]]))).toEqual([`a.ts: ${LIMIT + 2} lines`]);
    expect(oversizedWithoutReason(new Map([['b.ts', explained]]))).toEqual([]);
  });
});
