// Writes docs/cli.md, the CLI's reference, from the command tree itself (cli/program.ts): each command, its
// arguments and its options with their defaults and descriptions, so the page and `--help` never differ.
//
//   npm run docs:cli                      rewrite docs/cli.md
//   npm run docs:cli -- --check           exit 1 if it is stale (the test suite checks the same)
//   npm run config:generate [-- --check]  runs this with the other generators
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEntryArgs } from '../operations/entry-args.ts';
import type { Argument, Command, Help, Option } from 'commander';
import * as prettier from 'prettier';
import { relayProgram } from '../cli/program.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_DOCS_FILE = 'docs/cli.md';

// Table cells: a pipe would end the cell, and `<source>` in a description would read as an HTML tag.
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/</g, '\\<').replace(/\n/g, ' ');
const code = (text: string) => `\`${text}\``;

/** A command's name as typed: `klaviyo-relay dlq list`. */
function fullName(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

/** What `--help` shows as an option's default, in the same words (`"50"`, or its default description). */
function defaultOf(option: Option): string {
  if (option.mandatory) return 'required';
  if (option.defaultValue === undefined) return '';
  return code(option.defaultValueDescription ?? JSON.stringify(option.defaultValue));
}

function argumentRow(argument: Argument): string {
  const name = argument.required ? `<${argument.name()}>` : `[${argument.name()}]`;
  const shown = argument.variadic ? `${name}...` : name;
  const fallback =
    argument.defaultValue === undefined
      ? ''
      : ` (default: ${code(argument.defaultValueDescription ?? JSON.stringify(argument.defaultValue))})`;
  return `| ${code(shown)} | ${cell(argument.description)}${fallback} |`;
}

function optionRow(option: Option): string {
  const choices = option.argChoices ? ` (one of: ${option.argChoices.join(', ')})` : '';
  return `| ${code(option.flags)} | ${cell(option.description + choices)} | ${defaultOf(option)} |`;
}

/** The commands that do something (not `help`), depth first, in the order the tree registers them. */
function leafCommands(help: Help, command: Command): Command[] {
  const subcommands = help.visibleCommands(command).filter((sub) => sub.name() !== 'help');
  if (subcommands.length === 0) return [command];
  return subcommands.flatMap((sub) => leafCommands(help, sub));
}

function commandSection(help: Help, command: Command): string[] {
  const args = help.visibleArguments(command);
  const options = help.visibleOptions(command).filter((option) => option.long !== '--help');
  const lines = [
    `## ${code(fullName(command))}`,
    '',
    command.description(),
    '',
    '```sh',
    `${fullName(command)} ${command.usage()}`,
    '```',
  ];
  if (args.length > 0) lines.push('', '| Argument | Description |', '|---|---|', ...args.map(argumentRow));
  if (options.length > 0)
    lines.push('', '| Option | Description | Default |', '|---|---|---|', ...options.map(optionRow));
  return [...lines, ''];
}

/** docs/cli.md as the command tree describes it (before formatting). */
export function renderCliDocs(program: Command = relayProgram()): string {
  const help = program.createHelp();
  const commands = leafCommands(help, program);
  const anchor = (command: Command) => fullName(command).replace(/ /g, '-');
  return [
    '# The relay CLI',
    '',
    '<!-- Generated from the command tree (cli/program.ts) by scripts/cli-docs.ts: edit the commands, then run',
    '`npm run docs:cli`. A test fails when this page is stale. -->',
    '',
    `${program.description()}`,
    '',
    `Run it as ${code(`${program.name()} <command>`)} (the package's bin) or ${code('npm run relay -- <command>')} in`,
    `the repository. Every command takes ${code('-h, --help')}; ${code(`${program.name()} --version`)} prints the relay's version.`,
    '',
    '| Command | What it does |',
    '|---|---|',
    ...commands.map(
      (command) => `| [${code(fullName(command))}](#${anchor(command)}) | ${cell(command.description())} |`,
    ),
    '',
    ...commands.flatMap((command) => commandSection(help, command)),
  ].join('\n');
}

export interface CliDocsState {
  file: string;
  current: string;
  expected: string;
}

export async function cliDocsState(): Promise<CliDocsState> {
  const absolute = path.join(repoRoot, CLI_DOCS_FILE);
  const prettierOptions = (await prettier.resolveConfig(absolute)) ?? {};
  const expected = await prettier.format(renderCliDocs(), { ...prettierOptions, parser: 'markdown' });
  const current = await readFile(absolute, 'utf8').catch(() => '');
  return { file: CLI_DOCS_FILE, current, expected };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values: flags } = parseEntryArgs(
    {
      command: 'npm run docs:cli --',
      description:
        "Writes docs/cli.md from the relay CLI's command tree; --check only says whether it is out of date (exit 1).",
      options: { check: 'change nothing; exit 1 when a file is out of date' },
    },
    { check: { type: 'boolean' } },
  );
  const check = flags.check === true;
  const { file, current, expected } = await cliDocsState();
  if (current === expected) process.exitCode = 0;
  else if (check) {
    console.error(`${file} is out of date with the command tree: run npm run docs:cli`);
    process.exitCode = 1;
  } else {
    await writeFile(path.join(repoRoot, file), expected);
    console.log(`updated ${file}`);
  }
}
