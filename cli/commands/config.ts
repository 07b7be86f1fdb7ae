// `config validate <file>`: the configuration document checked by the schema the functions use, each problem
// with its JSON path. `${NAME}` placeholders (local mode's) are filled from the environment, or with a
// stand-in when unset, as the relay fills them when it starts.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { validateRelayConfig, type ConfigProblem } from '../../functions/shared/config.ts';

export type { ConfigProblem };
import { fillPlaceholders } from '../../local/config-file.ts';

/** What an unset `${NAME}` becomes for validation: a loopback URL passes every rule a placeholder may sit in. */
const PLACEHOLDER_STAND_IN = 'http://127.0.0.1/placeholder';

export async function validateConfigFile(
  file: string,
): Promise<{ valid: true; sources: string[] } | { valid: false; problems: ConfigProblem[] }> {
  const text = fillPlaceholders(await readFile(file, 'utf8'), process.env, file, PLACEHOLDER_STAND_IN);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return {
      valid: false,
      problems: [{ path: '(root)', message: `not valid JSON: ${(error as Error).message}` }],
    };
  }
  const result = validateRelayConfig(raw);
  if (result.success) return { valid: true, sources: Object.keys(result.data.sources) };
  return { valid: false, problems: result.problems };
}

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('Check a configuration document.');
  config
    .command('validate')
    .description('Validate a configuration document with the schema the functions use.')
    .argument('<file>', 'the JSON document (local mode’s config/local.json, or one Terraform renders)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const result = await validateConfigFile(file);
      if (options.json) console.log(JSON.stringify(result, null, 2));
      else if (result.valid)
        console.log(`${file}: valid (${result.sources.length} sources: ${result.sources.join(', ')})`);
      else {
        console.error(`${file}: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}`);
        for (const problem of result.problems) console.error(`  ${problem.path}: ${problem.message}`);
      }
      if (!result.valid) process.exitCode = 1;
    });
}
