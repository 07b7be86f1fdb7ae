// Keeps the inputs and outputs tables of each Terraform module's README in step with its variables.tf and
// outputs.tf. The tables live between <!-- BEGIN_TF_DOCS --> and <!-- END_TF_DOCS --> (terraform-docs'
// markers, so that tool can take over later). `--check` fails when a README is out of date.
//
//   npm run docs:terraform            rewrite the tables
//   npm run docs:terraform -- --check  exit 1 if any table is stale (the test suite runs this)
import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEntryArgs } from '../operations/entry-args.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The root module and every submodule under terraform/modules/, found rather than listed, so none is missed. */
export const MODULE_DIRS = [
  'terraform',
  ...readdirSync(path.join(repoRoot, 'terraform', 'modules'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `terraform/modules/${entry.name}`)
    .sort(),
];
const BEGIN = '<!-- BEGIN_TF_DOCS -->';
const END = '<!-- END_TF_DOCS -->';

export interface Block {
  name: string;
  body: string;
}

/** Top-level `<kind> "name" { … }` blocks, found by brace matching that skips strings and comments. */
export function blocks(hcl: string, kind: 'variable' | 'output'): Block[] {
  const found: Block[] = [];
  const header = new RegExp(`^${kind}\\s+"([^"]+)"\\s*\\{`, 'gm');
  for (let match = header.exec(hcl); match; match = header.exec(hcl)) {
    let depth = 1;
    let i = header.lastIndex;
    let inString = false;
    for (; i < hcl.length && depth > 0; i++) {
      const c = hcl[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '#') i = hcl.indexOf('\n', i) === -1 ? hcl.length : hcl.indexOf('\n', i);
      else if (c === '{') depth++;
      else if (c === '}') depth--;
    }
    found.push({ name: match[1] ?? '', body: hcl.slice(header.lastIndex, i - 1) });
  }
  return found;
}

function attribute(body: string, name: string): string | undefined {
  const match = new RegExp(`^\\s{2}${name}\\s*=\\s*(.*)$`, 'm').exec(body);
  return match?.[1]?.trim();
}

function description(body: string): string {
  const raw = attribute(body, 'description') ?? '""';
  try {
    return (JSON.parse(raw) as string).trim();
  } catch {
    return raw;
  }
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeOf(body: string): string {
  const type = attribute(body, 'type') ?? 'any';
  // Structural types span many lines; the README names their shape and variables.tf holds the detail.
  const open = (type.match(/\(/g) ?? []).length - (type.match(/\)/g) ?? []).length;
  return open > 0 ? `${type.replace(/\{$/, '')}…${')'.repeat(open)}` : type;
}

function defaultOf(body: string): string {
  const value = attribute(body, 'default');
  if (value === undefined) return 'required';
  return value.endsWith('{') || value.endsWith('[') ? 'see variables.tf' : value;
}

export function renderTables(variablesTf: string, outputsTf: string): string {
  const inputs = blocks(variablesTf, 'variable').map(
    ({ name, body }) =>
      `| \`${name}\` | ${cell(description(body))} | \`${cell(typeOf(body))}\` | \`${cell(defaultOf(body))}\` |`,
  );
  const outputs = blocks(outputsTf, 'output').map(
    ({ name, body }) => `| \`${name}\` | ${cell(description(body))} |`,
  );
  return [
    BEGIN,
    '## Inputs',
    '',
    '| Name | Description | Type | Default |',
    '|---|---|---|---|',
    ...inputs,
    '',
    '## Outputs',
    '',
    '| Name | Description |',
    '|---|---|',
    ...outputs,
    END,
  ].join('\n');
}

export interface ReadmeState {
  readme: string;
  current: string;
  expected: string;
}

export async function readmeState(moduleDir: string): Promise<ReadmeState> {
  const dir = path.join(repoRoot, moduleDir);
  const readme = path.join(dir, 'README.md');
  const [text, variables, outputs] = await Promise.all([
    readFile(readme, 'utf8'),
    readFile(path.join(dir, 'variables.tf'), 'utf8'),
    readFile(path.join(dir, 'outputs.tf'), 'utf8').catch(() => ''),
  ]);
  const tables = renderTables(variables, outputs);
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  const expected =
    start === -1 || end === -1
      ? `${text.trimEnd()}\n\n${tables}\n`
      : `${text.slice(0, start)}${tables}${text.slice(end + END.length)}`;
  return { readme, current: text, expected };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values: flags } = parseEntryArgs(
    {
      command: 'npm run docs:terraform --',
      description:
        "Writes the inputs and outputs tables of the module's READMEs from its .tf files; --check only says which\nare out of date (exit 1).",
      options: { check: 'change nothing; exit 1 when a file is out of date' },
    },
    { check: { type: 'boolean' } },
  );
  const check = flags.check === true;
  let stale = 0;
  for (const dir of MODULE_DIRS) {
    const state = await readmeState(dir);
    if (state.current === state.expected) continue;
    if (check) {
      stale++;
      console.error(`${path.relative(repoRoot, state.readme)} is out of date: run npm run docs:terraform`);
    } else {
      await writeFile(state.readme, state.expected);
      console.log(`updated ${path.relative(repoRoot, state.readme)}`);
    }
  }
  process.exitCode = stale > 0 ? 1 : 0;
}
