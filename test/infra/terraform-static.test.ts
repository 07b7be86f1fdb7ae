// Static checks of the Terraform code: formatting, validation of the module, each submodule and each
// example, and the plan-level `terraform test` suite (mock provider, no AWS). Each directory gets its own
// TF_DATA_DIR in a temporary directory, so nothing but the (gitignored) lock files lands in the tree.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canRun,
  commandOnPath,
  describeRun,
  directoryExists,
  providerMirror,
  repoRoot,
  run,
  terraformEnv,
} from './tools.ts';
import type { RunResult } from './tools.ts';
import { DEFAULT_MAX_RECEIVE_COUNT } from '../../local/emulators.ts';

const TERRAFORM_DIRS = [
  'terraform',
  'terraform/modules/function',
  'terraform/modules/queue',
  'terraform/modules/bucket',
  'terraform/examples/minimal',
  'terraform/examples/complete',
] as const;

const enabled = canRun('Terraform static checks (test/infra/terraform-static.test.ts)', [
  commandOnPath('terraform', 'install Terraform >= 1.11 (terraform test with override_during needs 1.11)'),
  directoryExists(
    providerMirror,
    `the provider mirror ${providerMirror}`,
    'set TF_PLUGIN_MIRROR to a mirror holding hashicorp/aws',
  ),
]);

describe.skipIf(!enabled)('terraform static checks', () => {
  let scratch = '';
  let env: NodeJS.ProcessEnv = {};
  // The plan-level suite is the slow part and runs on one core; it starts in beforeAll, in its own data
  // directory, and the fmt/validate checks run alongside it.
  let unitInit: Promise<RunResult> | undefined;
  let unitTest: Promise<RunResult> | undefined;

  async function terraform(dir: string, args: readonly string[], dataDirName = dir) {
    return run('terraform', [`-chdir=${dir}`, ...args], {
      env: { ...env, TF_DATA_DIR: path.join(scratch, dataDirName.replaceAll('/', '__')) },
    });
  }

  const initArgs = ['init', '-backend=false', '-input=false', '-no-color'];

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'relay-tf-static-'));
    env = await terraformEnv(path.join(scratch, 'terraformrc'));
    // `terraform test` installs the modules that run blocks use at init time.
    const init = terraform('terraform', initArgs, 'unit-tests');
    unitInit = init;
    unitTest = init.then((result) =>
      result.code === 0 ? terraform('terraform', ['test', '-no-color'], 'unit-tests') : result,
    );
  }, 60_000);

  afterAll(async () => {
    await unitTest?.catch(() => undefined);
    if (scratch !== '') await rm(scratch, { recursive: true, force: true });
  });

  it('is formatted (terraform fmt -check -recursive)', { timeout: 60_000 }, async () => {
    const result = await run(
      'terraform',
      ['fmt', '-check', '-recursive', '-diff', '-no-color', 'terraform'],
      {
        env,
      },
    );
    expect(result.code, describeRun('terraform fmt -check -recursive terraform', result)).toBe(0);
  });

  it.each(TERRAFORM_DIRS)('validates %s', { timeout: 600_000 }, async (dir) => {
    // Both inits of the root write its lock file: not at the same time.
    if (dir === 'terraform') await unitInit;
    const init = await terraform(dir, initArgs);
    expect(init.code, describeRun(`terraform init in ${dir}`, init)).toBe(0);
    const result = await terraform(dir, ['validate', '-no-color']);
    expect(result.code, describeRun(`terraform validate in ${dir}`, result)).toBe(0);
    expect(result.stdout).toContain('The configuration is valid');
  });

  it('passes terraform test (mock provider, every run block)', { timeout: 600_000 }, async () => {
    const testsDir = path.join(repoRoot, 'terraform', 'tests');
    const files = (await readdir(testsDir)).filter((f) => f.endsWith('_unit_test.tftest.hcl'));
    expect(files.length).toBeGreaterThan(0);
    let runBlocks = 0;
    for (const file of files) {
      const text = await readFile(path.join(testsDir, file), 'utf8');
      runBlocks += text.match(/^run "/gm)?.length ?? 0;
    }

    if (unitTest === undefined) throw new Error('beforeAll did not start terraform test');
    const result = await unitTest;
    console.log(`terraform test: ${files.length} files, ${runBlocks} run blocks, ${result.ms} ms`);
    expect(result.code, describeRun('terraform init/test', result)).toBe(0);
    const summary = /Success! (\d+) passed, (\d+) failed\./.exec(result.stdout);
    expect(summary, describeRun('terraform test (no success summary)', result)).not.toBeNull();
    expect(Number(summary?.[1])).toBe(runBlocks);
    expect(Number(summary?.[2])).toBe(0);
  });
});

describe('terraform/README.md', () => {
  async function declared(file: string, kind: 'variable' | 'output'): Promise<string[]> {
    const text = await readFile(path.join(repoRoot, 'terraform', file), 'utf8');
    return [...text.matchAll(new RegExp(`^${kind} "([^"]+)"`, 'gm'))].map((m) => m[1] ?? '').sort();
  }

  function documented(readme: string, heading: string): string[] {
    const start = readme.indexOf(`## ${heading}\n`);
    const end = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start, end === -1 ? undefined : end);
    return [...section.matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((m) => m[1] ?? '').sort();
  }

  it('names every file under terraform/ in its Layout section', async () => {
    const readme = await readFile(path.join(repoRoot, 'terraform', 'README.md'), 'utf8');
    const start = readme.indexOf('## Layout\n');
    const layout = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const named = new Set([...layout.matchAll(/`([^`\s]+)`/g)].map((m) => (m[1] ?? '').replace(/\/$/, '')));
    const globs = [...named]
      .filter((token) => token.includes('*'))
      .map(
        (token) => new RegExp(`^${token.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*')}$`),
      );
    // A file is named by its path, by a pattern, or by its name next to its directory's.
    const isNamed = (file: string): boolean => {
      const dir = path.posix.dirname(file);
      return (
        named.has(file) ||
        globs.some((glob) => glob.test(file)) ||
        (named.has(path.posix.basename(file)) && (dir === '.' || named.has(dir)))
      );
    };
    const listed = await run('git', [
      'ls-files',
      '--cached',
      '--others',
      '--exclude-standard',
      '--',
      'terraform',
    ]);
    expect(listed.code, describeRun('git ls-files terraform', listed)).toBe(0);
    const files = listed.stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => path.posix.relative('terraform', line));
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((file) => !isNamed(file))).toEqual([]);
  });

  it('documents exactly the inputs and outputs the module declares', async () => {
    const readme = await readFile(path.join(repoRoot, 'terraform', 'README.md'), 'utf8');
    expect(documented(readme, 'Inputs')).toEqual(await declared('variables.tf', 'variable'));
    expect(documented(readme, 'Outputs')).toEqual(await declared('outputs.tf', 'output'));
  });
});

describe('local mode keeps the module’s queue settings', () => {
  it('maxReceiveCount defaults: local/emulators.ts equals terraform/queues.tf', async () => {
    const queuesTf = await readFile(path.join(repoRoot, 'terraform', 'queues.tf'), 'utf8');
    const block = /default_max_receive_count\s*=\s*\{([^}]*)\}/.exec(queuesTf)?.[1] ?? '';
    const module: Record<string, number> = Object.fromEntries(
      [...block.matchAll(/^\s*([a-z]+)\s*=\s*(\d+)\s*$/gm)].map((m): [string, number] => [
        m[1] ?? '',
        Number(m[2]),
      ]),
    );
    expect(Object.keys(module).sort()).toEqual(['deliver', 'hydrate']);
    expect({ ...DEFAULT_MAX_RECEIVE_COUNT }).toEqual(module);
  });
});
