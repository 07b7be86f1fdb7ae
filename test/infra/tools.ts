// Helpers shared by the infrastructure tests: finding the external tools they need (and the skip-or-fail
// rule when one is missing), running a command without a shell, and a few Terraform conveniences.
import { existsSync } from 'node:fs';
import { findOnPath } from '../../scripts/local-aws/run.ts';

// Running commands and Terraform's environment are shared with scripts/deploy-local.ts.
export { describeRun, findOnPath, repoRoot, run } from '../../scripts/local-aws/run.ts';
export type { RunOptions, RunResult } from '../../scripts/local-aws/run.ts';
export { providerMirror, terraformEnv } from '../../scripts/local-aws/terraform-env.ts';

export interface Requirement {
  /** What is needed, e.g. `terraform on PATH`. */
  readonly what: string;
  readonly present: boolean;
  /** How to get it. */
  readonly hint: string;
}

export function commandOnPath(command: string, hint: string): Requirement {
  return { what: `\`${command}\` on PATH`, present: findOnPath(command) !== undefined, hint };
}

export function directoryExists(dir: string, what: string, hint: string): Requirement {
  return { what, present: existsSync(dir), hint };
}

/**
 * The skipping rule of the infrastructure tests: when something they need is missing they are skipped with
 * a loud warning, except under CI (`CI=true`), where a missing tool is an error so that CI cannot go green
 * without running them. Returns true when the suite can run.
 */
export function canRun(suite: string, requirements: readonly Requirement[]): boolean {
  const missing = requirements.filter((r) => !r.present);
  if (missing.length === 0) return true;
  const lines = missing.map((r) => `  - missing ${r.what}: ${r.hint}`).join('\n');
  if (process.env.CI === 'true') {
    throw new Error(`${suite} cannot run and CI=true forbids skipping it:\n${lines}`);
  }
  const bar = '!'.repeat(100);
  console.warn(
    `\n${bar}\nSKIPPING ${suite}:\n${lines}\n(Under CI=true this is a failure, not a skip.)\n${bar}\n`,
  );
  return false;
}
