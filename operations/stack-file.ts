// The stack file: a relay's module outputs in `terraform output -json`'s format, which the CLI reads to know
// which relay it talks to (operations/relay-stack.ts). `npm start` writes one for local mode
// (local/stack-outputs.ts) to .local/stack.json while it runs and removes it when it stops.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where local mode writes its stack file, relative to the repository root; the CLI's default `--stack`. */
export const LOCAL_STACK_FILE = path.join('.local', 'stack.json');
/** Where local mode copies its handlers' JSON log lines (local/log-tee.ts), for `relay trace`. */
export const LOCAL_LOG_FILE = path.join('.local', 'logs.jsonl');

/** `terraform output -json`'s shape: each output's value under `value`. */
export type StackOutputs = Record<string, { value: unknown }>;

export async function writeStackFile(file: string, outputs: StackOutputs): Promise<() => Promise<void>> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(outputs, null, 2)}\n`);
  return () => rm(file, { force: true });
}
