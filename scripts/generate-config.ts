// Writes everything that describes the configuration document from its one description, the zod schema
// (functions/shared/config/relay-config.ts; docs/adr/0024-one-description-of-the-configuration.md):
// - config/relay-config.schema.json, the JSON Schema editors complete and check the file with (a source may name
//   a preset instead of a kind: config-reference/preset-only-sources.ts);
// - terraform/variables.tf, between its GENERATED markers: the `sources`, `klaviyo`, `ingest` and `hydrate` inputs, their
//   types and every validation HCL can state (the hand-written rest: scripts/config-reference/terraform-rules.ts);
// - docs/configuration.md, between its CONFIG_REFERENCE markers: the reference tables;
// - test/fixtures/config-corpus/terraform.tftest.hcl: the corpus (test/fixtures/config-corpus/) as run blocks.
//
//   npm run config:generate              rewrite them (then npm run docs:terraform for terraform/README.md)
//   npm run config:generate -- --check   exit 1 if any is stale (the test suite runs this)
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEntryArgs } from '../operations/entry-args.ts';
import * as prettier from 'prettier';
import { configJsonSchema, forConfigFiles } from './config-reference/json-schema.ts';
import { MarkdownTables } from './config-reference/markdown.ts';
import { withPresetOnlySources } from './config-reference/preset-only-sources.ts';
import { CORPUS_TFTEST_FILE, corpusTftest } from './config-reference/terraform-corpus.ts';
import { TERRAFORM_VARIABLES, TerraformGenerator } from './config-reference/terraform.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const JSON_SCHEMA_FILE = 'config/relay-config.schema.json';
export const TERRAFORM_FILE = 'terraform/variables.tf';
export const REFERENCE_FILE = 'docs/configuration.md';

const TF_BEGIN =
  '# BEGIN GENERATED CONFIGURATION: written by `npm run config:generate` from the zod schema; edit the schema\n' +
  '# (functions/shared/config/) or scripts/config-reference/terraform-rules.ts, not this part.';
const TF_END = '# END GENERATED CONFIGURATION';
/** Reference tables: `<!-- BEGIN_CONFIG_REFERENCE klaviyo -->` … `<!-- END_CONFIG_REFERENCE -->`, by object path. */
const REFERENCE_TABLE =
  /(<!-- BEGIN_CONFIG_REFERENCE ([a-z_.]+) -->\n)[\s\S]*?(<!-- END_CONFIG_REFERENCE -->)/g;

export interface Generated {
  file: string;
  current: string;
  expected: string;
}

function between(text: string, begin: string, end: string, content: string, file: string): string {
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  if (start === -1 || stop === -1) throw new Error(`${file} has no ${begin.split('\n')[0]} … ${end} markers`);
  return `${text.slice(0, start)}${begin}\n\n${content}\n\n${text.slice(stop)}`;
}

/** Each generated file as it is, and as the schema says it should be. */
export async function generatedFiles(): Promise<Generated[]> {
  const schema = configJsonSchema();
  const read = (file: string) => readFile(path.join(repoRoot, file), 'utf8');
  const prettierOptions = (await prettier.resolveConfig(path.join(repoRoot, REFERENCE_FILE))) ?? {};

  const jsonSchema = await prettier.format(JSON.stringify(withPresetOnlySources(forConfigFiles(schema))), {
    ...prettierOptions,
    parser: 'json',
  });

  const terraform = new TerraformGenerator(schema);
  const variables = TERRAFORM_VARIABLES.map((name) => terraform.variable(name)).join('\n\n');
  const variablesTf = await read(TERRAFORM_FILE);

  const tables = new MarkdownTables(schema);
  const reference = await read(REFERENCE_FILE);
  // Without markers the check would pass with no table written anywhere.
  if (reference.match(REFERENCE_TABLE) === null)
    throw new Error(`${REFERENCE_FILE} has no <!-- BEGIN_CONFIG_REFERENCE … --> markers`);
  const withTables = reference.replace(
    REFERENCE_TABLE,
    (_all, begin: string, at: string, end: string) => `${begin}\n${tables.table(at)}\n\n${end}`,
  );

  return [
    { file: JSON_SCHEMA_FILE, current: await read(JSON_SCHEMA_FILE).catch(() => ''), expected: jsonSchema },
    {
      file: TERRAFORM_FILE,
      current: variablesTf,
      expected: between(variablesTf, TF_BEGIN, TF_END, variables, TERRAFORM_FILE),
    },
    {
      file: CORPUS_TFTEST_FILE,
      current: await read(CORPUS_TFTEST_FILE).catch(() => ''),
      expected: corpusTftest(),
    },
    {
      file: REFERENCE_FILE,
      current: reference,
      expected: await prettier.format(withTables, { ...prettierOptions, parser: 'markdown' }),
    },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values: flags } = parseEntryArgs(
    {
      command: 'npm run config:generate --',
      description:
        'Writes what the configuration schema generates (JSON Schema, docs/configuration.md tables, Terraform\nvariables); npm run config:generate then runs docs:terraform and docs:cli. --check only says what is out of date.',
      options: { check: 'change nothing; exit 1 when a file is out of date' },
    },
    { check: { type: 'boolean' } },
  );
  const check = flags.check === true;
  let stale = 0;
  for (const { file, current, expected } of await generatedFiles()) {
    if (current === expected) continue;
    if (check) {
      stale++;
      console.error(`${file} is out of date with the configuration schema: run npm run config:generate`);
    } else {
      await writeFile(path.join(repoRoot, file), expected);
      console.log(`updated ${file}`);
    }
  }
  process.exitCode = stale > 0 ? 1 : 0;
}
