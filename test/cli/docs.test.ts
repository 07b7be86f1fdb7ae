// docs/cli.md is the command tree's own description (scripts/cli-docs.ts): it must say what `--help` says.
import { describe, expect, it } from 'vitest';
import { cliDocsState } from '../../scripts/cli-docs.ts';

describe('docs/cli.md', () => {
  it('is up to date with the command tree (npm run docs:cli -- --check)', { timeout: 60_000 }, async () => {
    const { file, current, expected } = await cliDocsState();
    expect(current === expected, `${file} is out of date with the command tree: run npm run docs:cli`).toBe(
      true,
    );
  });
});
