// Reads what the deployed functions are given from the documents that define it, so that tests follow
// docs/runtime-contract.md and terraform/main.tf instead of keeping copies that drift from them.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RUNTIME_CONTRACT_FILE = path.join(repoRoot, 'docs', 'runtime-contract.md');
export const TERRAFORM_MAIN_FILE = path.join(repoRoot, 'terraform', 'main.tf');

/**
 * `yes`: Terraform sets it on the function; `opt`: Terraform sets it when a module option is on (e.g. the archive);
 * `local`: local mode only; `no`: not given to the function.
 */
export type VariableUse = 'yes' | 'opt' | 'local' | 'no';

export interface ContractVariable {
  name: string;
  /** By function name, as the table's columns name them. */
  use: Record<string, VariableUse>;
  /** The value itself, when the meaning column is nothing but one `literal` (e.g. a fixed namespace). */
  fixedValue?: string;
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());
}

/** The "Environment variables" table of docs/runtime-contract.md. */
export function parseContractVariables(markdown: string): ContractVariable[] {
  const section = /^## Environment variables\s*$([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(markdown)?.[1];
  if (section === undefined) throw new Error('runtime contract: no "## Environment variables" section');
  const rows = section.split('\n').filter((line) => line.trim().startsWith('|'));
  const [header, separator, ...body] = rows;
  if (!header || !separator || !/^[\s|:-]+$/.test(separator))
    throw new Error('runtime contract: the environment section holds no table');
  const columns = cells(header);
  if (columns[0] !== 'variable' || columns.at(-1) !== 'meaning')
    throw new Error(`runtime contract: unexpected columns ${columns.join(', ')}`);
  const functions = columns.slice(1, -1);
  return body.map((line) => {
    const row = cells(line);
    const name = /^`([A-Z][A-Z0-9_]*)`$/.exec(row[0] ?? '')?.[1];
    if (!name || row.length !== columns.length) throw new Error(`runtime contract: cannot read row ${line}`);
    const use: Record<string, VariableUse> = {};
    functions.forEach((fn, i) => {
      const mark = row[i + 1] ?? '';
      if (mark !== 'yes' && mark !== 'opt' && mark !== 'local' && mark !== '')
        throw new Error(
          `runtime contract: ${name} has "${mark}" for ${fn}; expected yes, opt, local or nothing`,
        );
      use[fn] = mark === '' ? 'no' : mark;
    });
    const fixedValue = /^`([^`]*)`$/.exec(row.at(-1) ?? '')?.[1];
    return { name, use, ...(fixedValue !== undefined && { fixedValue }) };
  });
}

export async function readContractVariables(): Promise<ContractVariable[]> {
  return parseContractVariables(await readFile(RUNTIME_CONTRACT_FILE, 'utf8'));
}

/** The body of the first top-level block that starts with `header` (e.g. `module "function"`). */
export function hclBlock(hcl: string, header: string): string {
  const start = hcl.indexOf(`${header} {`);
  if (start < 0) throw new Error(`terraform: no ${header} block`);
  const open = hcl.indexOf('{', start);
  let depth = 0;
  // Interpolations (`${…}`) nest their braces, so counting every brace still finds the block's end.
  for (let i = open; i < hcl.length; i++) {
    if (hcl[i] === '{') depth++;
    else if (hcl[i] === '}' && --depth === 0) return hcl.slice(open + 1, i);
  }
  throw new Error(`terraform: the ${header} block does not end`);
}

/** The handler the module gives every function: `handler = "…"` in terraform/main.tf's module "function". */
export function terraformHandler(mainTf: string): string {
  const handler = /^\s*handler\s*=\s*"([^"$]+)"\s*$/m.exec(hclBlock(mainTf, 'module "function"'))?.[1];
  if (!handler)
    throw new Error('terraform/main.tf: module "function" has no literal handler = "<file>.<export>"');
  return handler;
}

/** The Node.js major version of the module's default runtime (`nodejs22.x`). */
export function terraformNodeMajor(mainTf: string): number {
  const majors = new Set([...mainTf.matchAll(/"nodejs(\d+)\.x"/g)].map((match) => Number(match[1])));
  const [major, ...others] = majors;
  if (major === undefined || others.length > 0)
    throw new Error(
      `terraform/main.tf: expected one nodejsNN.x runtime, found ${[...majors].join(', ') || 'none'}`,
    );
  return major;
}

export interface FunctionDefaults {
  memorySize: number;
  timeoutSeconds: number;
}

/** Each function's default memory_size and timeout: terraform/main.tf's `function_defaults`. */
export function terraformFunctionDefaults(mainTf: string): Record<string, FunctionDefaults> {
  const defaults: Record<string, FunctionDefaults> = {};
  for (const [, name = '', settings = ''] of hclBlock(mainTf, 'function_defaults =').matchAll(
    /^\s*([a-z_]+)\s*=\s*\{([^}]*)\}/gm,
  )) {
    const memorySize = Number(/\bmemory_size\s*=\s*(\d+)/.exec(settings)?.[1]);
    const timeoutSeconds = Number(/\btimeout\s*=\s*(\d+)/.exec(settings)?.[1]);
    if (!(memorySize > 0 && timeoutSeconds > 0))
      throw new Error(`terraform/main.tf: function_defaults.${name} has no literal memory_size and timeout`);
    defaults[name] = { memorySize, timeoutSeconds };
  }
  return defaults;
}
