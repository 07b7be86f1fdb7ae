// The front page and the manual (README.md, docs/): the configuration the README shows on its first screen is a
// whole file that passes `relay config validate` and the JSON Schema editors use, and every relative link leads to a file that is there
// (and, into a Markdown page, to a heading that is there), so moving a page cannot leave a link behind.
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { validateConfigFile } from '../../cli/commands/config.ts';
import { JSON_SCHEMA_FILE } from '../../scripts/generate-config.ts';

const withoutCode = (text: string) => text.replace(/```[\s\S]*?```/g, '');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string) =>
  heading
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, '')
    .replace(/ /g, '-');

async function pages(): Promise<string[]> {
  const inDocs = await readdir('docs', { recursive: true });
  return ['README.md', ...inDocs.filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f))];
}

async function anchors(page: string): Promise<Set<string>> {
  const text = withoutCode(await readFile(page, 'utf8'));
  return new Set([...text.matchAll(/^#+ (.*)$/gm)].map((m) => anchorOf(m[1] ?? '')));
}

describe('the README’s configuration', () => {
  it('passes relay config validate and the JSON Schema', async () => {
    const readme = await readFile('README.md', 'utf8');
    const from = readme.indexOf('## A configuration');
    const section = readme.slice(from, readme.indexOf('\n## ', from + 1));
    const block = /```json\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block, 'a ```json block under "## A configuration"').toBeDefined();
    // On the first screen: the whole file is shown before the README's 60th line ends (issue 22).
    const end = readme.indexOf('```', readme.indexOf(block ?? '')) + 3;
    expect(
      readme.slice(0, end).split('\n').length,
      'the configuration ends on the first screen',
    ).toBeLessThanOrEqual(60);
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'readme-config-')), 'relay.json');
    await writeFile(file, block ?? '');
    expect(await validateConfigFile(file)).toEqual({ valid: true, sources: ['shop', 'app'] });

    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(await readFile(JSON_SCHEMA_FILE, 'utf8')) as object);
    expect(validate(JSON.parse(block ?? '')), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('links in README.md and docs/', () => {
  it('lead to files and headings that are there', async () => {
    const broken: string[] = [];
    for (const page of await pages()) {
      const text = withoutCode(await readFile(page, 'utf8'));
      for (const [, link = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(link)) continue;
        const [target = '', fragment] = link.split('#');
        const file = target === '' ? page : path.normalize(path.join(path.dirname(page), target));
        if (!existsSync(file)) broken.push(`${page}: ${link} (no such file)`);
        else if (fragment && file.endsWith('.md') && !(await anchors(file)).has(fragment))
          broken.push(`${page}: ${link} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});
