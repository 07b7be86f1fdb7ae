// `config validate <file>`: the configuration document checked by the schema the functions use, each problem
// with its JSON path. `${NAME}` placeholders (local mode's) are filled from the environment, or with a
// stand-in when unset, as the relay fills them when it starts.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  parseRelayConfig,
  validateRelayConfig,
  type ConfigProblem,
} from '../../functions/shared/config/relay-config.ts';
import { fillPlaceholders } from '../../operations/config-file.ts';
import { unsetVariableWarnings } from './config-unset-variables.ts';
import { readDeployedDocument } from '../../operations/deployed-document.ts';
import { jsonDiff, type JsonChange } from '../json-diff.ts';
import {
  loadStack,
  missingOutput,
  type RelayStack,
  type StackOptions,
} from '../../operations/relay-stack.ts';
import { withStackOptions } from '../stack-options.ts';

export type { ConfigProblem };

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

/** The deployed document: the stack's `config_document` output, else the parameters it names (SSM, per source). */
async function deployedDocument(
  stack: RelayStack,
  region: string | undefined,
): Promise<{ text: string; origin: string }> {
  if (stack.configDocument)
    return { text: stack.configDocument, origin: `${stack.origin} (config_document)` };
  if (!stack.configParameterName)
    throw new Error(
      stack.origin === 'flags'
        ? 'no stack file names the deployed document: pass --stack <terraform output -json file>'
        : missingOutput(stack.origin, 'config_document (nor config_parameter_name)'),
    );
  return readDeployedDocument(stack.configParameterName, region);
}

/** Both documents as the functions read them (nulls dropped, defaults filled), compared by JSON path. */
export async function diffConfig(
  file: string,
  stack: RelayStack,
  region?: string,
): Promise<{ deployed: string; changes: JsonChange[] }> {
  const local = await validateConfigFile(file);
  if (!local.valid)
    throw new Error(
      `${file} is not valid: ${local.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    );
  const deployed = await deployedDocument(stack, region);
  // Both read as the functions read them: presets resolved, defaults filled.
  const read = (text: string) => parseRelayConfig(text, file);
  const localText = fillPlaceholders(await readFile(file, 'utf8'), process.env, file, PLACEHOLDER_STAND_IN);
  return { deployed: deployed.origin, changes: jsonDiff(read(deployed.text), read(localText)) };
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
      const warnings = result.valid
        ? await unsetVariableWarnings(file, process.env, PLACEHOLDER_STAND_IN)
        : [];
      if (options.json)
        console.log(JSON.stringify(warnings.length > 0 ? { ...result, warnings } : result, null, 2));
      else if (result.valid) {
        console.log(`${file}: valid (${result.sources.length} sources: ${result.sources.join(', ')})`);
        for (const warning of warnings) console.error(`  warning: ${warning}`);
      } else {
        console.error(`${file}: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}`);
        for (const problem of result.problems) console.error(`  ${problem.path}: ${problem.message}`);
      }
      if (!result.valid) process.exitCode = 1;
    });
  withStackOptions(config.command('diff'))
    .description('Compare a configuration document with the deployed one (the module writes it to SSM).')
    .argument('<file>', 'the document you would deploy')
    .option('--json', 'print the changes as JSON')
    .action(async (file: string, options: StackOptions & { json?: boolean }) => {
      const { deployed, changes } = await diffConfig(file, await loadStack(options), options.region);
      if (options.json) console.log(JSON.stringify({ deployed, changes }, null, 2));
      else if (changes.length === 0) console.log(`${file}: the same as ${deployed}`);
      else {
        console.log(
          `${file} against ${deployed}: ${changes.length} change${changes.length === 1 ? '' : 's'}`,
        );
        const show = (value: unknown) => JSON.stringify(value);
        for (const change of changes) {
          if (change.kind === 'added') console.log(`  + ${change.path}: ${show(change.after)}`);
          else if (change.kind === 'removed') console.log(`  - ${change.path}: ${show(change.before)}`);
          else console.log(`  ~ ${change.path}: ${show(change.before)} → ${show(change.after)}`);
        }
      }
    });
}
