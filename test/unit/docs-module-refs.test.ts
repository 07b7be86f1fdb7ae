// Every git ref the docs give the module's `source` (`…//terraform?ref=<ref>`) is in this repository's history
// (issue 22: the README's `?ref=v0.1.0` named a tag that did not exist, and `terraform init` failed). A ref in
// capitals (`COMMIT_SHA`) or in angle brackets is a placeholder the text explains. A clone may have every commit
// but no tags (CI's fresh clone), so a tag missing here is looked up at the clone's origin before it fails.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// No prompt and a bound on the wait, should the origin be a remote that asks for credentials or does not answer.
const git = async (...args: string[]) =>
  (
    await promisify(execFile)('git', args, {
      timeout: 30_000,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    })
  ).stdout.trim();

const isPlaceholder = (ref: string) => /^[A-Z][A-Z0-9_]*$/.test(ref) || /^<[^>]+>$/.test(ref);

async function pages(): Promise<string[]> {
  const docs = (await readdir('docs', { recursive: true }))
    .filter((f) => f.endsWith('.md') && !f.startsWith('adr'))
    .map((f) => path.join('docs', f));
  const terraform = (await readdir('terraform', { recursive: true }))
    .filter((f) => f.endsWith('.md') && !f.includes('.terraform'))
    .map((f) => path.join('terraform', f));
  return ['README.md', ...docs, ...terraform];
}

/** The refs a page names in a module source or as `?ref=…`. */
function refsIn(text: string): string[] {
  return [...text.matchAll(/\?ref=([^"`\s)]+)/g)].map((m) => m[1] ?? '');
}

async function exists(ref: string): Promise<boolean> {
  const local = await git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`).catch(() => '');
  if (local !== '') return true;
  if (/^[0-9a-f]{7,40}$/.test(ref)) return false;
  const origin = await git('remote', 'get-url', 'origin').catch(() => '');
  if (origin === '') return false;
  return (await git('ls-remote', '--tags', 'origin', `refs/tags/${ref}`).catch(() => '')) !== '';
}

describe('the module refs the docs name', () => {
  it('finds refs in a module source', () => {
    expect(refsIn('source = "git::https://x/r.git//terraform?ref=v0.1.0"\n`?ref=COMMIT_SHA`')).toEqual([
      'v0.1.0',
      'COMMIT_SHA',
    ]);
  });

  it('exist in this repository’s history (or are placeholders)', async () => {
    const missing: string[] = [];
    let named = 0;
    for (const page of await pages()) {
      for (const ref of refsIn(await readFile(page, 'utf8'))) {
        named += 1;
        if (!isPlaceholder(ref) && !(await exists(ref))) missing.push(`${page}: ?ref=${ref}`);
      }
    }
    expect(named, 'the README names the module with a ref').toBeGreaterThan(0);
    expect(missing, 'refs that are neither a commit nor a tag of this repository').toEqual([]);
  });

  it('tells a missing tag from one that is there', async () => {
    expect(await exists('v0.0.0-no-such-tag')).toBe(false);
    expect(await exists(await git('rev-parse', 'HEAD'))).toBe(true);
  });
});
