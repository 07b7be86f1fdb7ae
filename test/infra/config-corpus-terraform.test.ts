// The configuration corpus through Terraform's validations: every run block of the generated
// test/fixtures/config-corpus/terraform.tftest.hcl, against terraform/variables.tf alone (no provider, no
// resources: only the inputs' types and validations are evaluated), each in a file of its own so that every
// document Terraform judges otherwise than its case says is reported. The zod side of the same corpus is
// test/unit/config-corpus.test.ts.
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS_TFTEST_FILE } from '../../scripts/config-reference/terraform-corpus.ts';
import { canRun, commandOnPath, describeRun, repoRoot, run, terraformEnv } from './tools.ts';

const enabled = canRun(
  'Configuration corpus through terraform test (test/infra/config-corpus-terraform.test.ts)',
  [commandOnPath('terraform', 'install Terraform >= 1.11')],
);

describe.skipIf(!enabled)('configuration corpus: Terraform’s validations', () => {
  let scratch = '';
  afterAll(async () => {
    if (scratch !== '') await rm(scratch, { recursive: true, force: true });
  });

  it(
    'judges every document as the functions do, except the documented exceptions',
    { timeout: 600_000 },
    async () => {
      scratch = await mkdtemp(path.join(tmpdir(), 'relay-config-corpus-'));
      const env = await terraformEnv(path.join(scratch, 'terraformrc'), {
        TF_DATA_DIR: path.join(scratch, '.data'),
      });
      await copyFile(path.join(repoRoot, 'terraform/variables.tf'), path.join(scratch, 'variables.tf'));
      await mkdir(path.join(scratch, 'tests'));
      const corpus = await readFile(path.join(repoRoot, CORPUS_TFTEST_FILE), 'utf8');
      const blocks = [...corpus.matchAll(/^run "([^"]+)" \{\n[\s\S]*?\n\}$/gm)];
      expect(blocks.length).toBeGreaterThan(0);
      for (const [block, name] of blocks)
        await writeFile(path.join(scratch, 'tests', `${name}.tftest.hcl`), `${block}\n`);

      const init = await run('terraform', [`-chdir=${scratch}`, 'init', '-input=false', '-no-color'], {
        env,
      });
      expect(init.code, describeRun('terraform init', init)).toBe(0);
      const result = await run('terraform', [`-chdir=${scratch}`, 'test', '-no-color'], { env });
      const disagreements = [...result.stdout.matchAll(/^tests\/(.+)\.tftest\.hcl\.\.\. fail$/gm)].map(
        (m) => m[1],
      );
      expect(
        disagreements,
        describeRun('terraform test (documents Terraform judges otherwise)', result),
      ).toEqual([]);
      expect(result.code, describeRun('terraform test', result)).toBe(0);
      expect(result.stdout).toContain(`Success! ${blocks.length} passed, 0 failed.`);
    },
  );
});
