// The payload and archive buckets moved into terraform/modules/bucket; terraform/moved.tf must carry a
// deployment's state to the new addresses so that an upgrade moves them instead of destroying them (and the
// archived webhooks with them). Proven against moto_server: the module as it was before the move (from git)
// applies its bucket resources, at the real root module's addresses (-target, so it takes seconds, not the
// minutes of a whole relay); then the module of this working tree plans against that state, and every bucket
// resource must be moved and left alone. A copy without the moved blocks must plan delete and create
// instead, so the check is known to see a missing move. (About 3 minutes: moto makes the provider wait close to a
// minute for each lifecycle configuration it creates.)
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishModuleRepo } from './module-repo.ts';
import { providerOverride, startMoto } from './moto.ts';
import type { MotoServer } from './moto.ts';
import { parsePlan } from './plan.ts';
import type { Plan } from './plan.ts';
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
import type { Requirement } from './tools.ts';

/** The last commit whose root module wrote the buckets out in payloads.tf and archive.tf. */
const BEFORE_BUCKET_MODULE = 'e97dd0949da91e2443b09242ff9fcf2665860c9e';

const BUCKET_RESOURCES = [
  'aws_s3_bucket',
  'aws_s3_bucket_public_access_block',
  'aws_s3_bucket_ownership_controls',
  'aws_s3_bucket_server_side_encryption_configuration',
  'aws_s3_bucket_lifecycle_configuration',
  'aws_s3_bucket_policy',
] as const;

/** Old address → new address of every bucket resource, inside the caller's `module.relay`. */
const MOVES: ReadonlyMap<string, string> = new Map(
  BUCKET_RESOURCES.flatMap((type) => [
    [`module.relay.${type}.payloads`, `module.relay.module.payload_bucket.${type}.this`],
    [`module.relay.${type}.archive[0]`, `module.relay.module.archive_bucket[0].${type}.this`],
  ]),
);

const ROOT_MAIN = (source: string) => `variable "region" {
  type    = string
  default = "us-east-2"
}

module "relay" {
  source = "${source}"

  name    = "relay-moves"
  sources = { shop = { kind = "shopify", secrets = [{ ssm = "/relay-moves/shop/secret" }] } }
  klaviyo = { api_key = { ssm = "/relay-moves/klaviyo/api-key" } }
  archive = { enabled = true, force_destroy = true }

  # moto cannot run Lambda code (see moto-apply.test.ts).
  validate_configuration = false
}
`;

function commitPresent(commit: string): Requirement {
  // A shallow clone may not hold it.
  const found = spawnSync('git', ['cat-file', '-e', `${commit}^{commit}`], { cwd: repoRoot });
  return {
    what: `commit ${commit.slice(0, 7)} (the module before modules/bucket) in this repository`,
    present: found.status === 0,
    hint: 'fetch the full history (git fetch --unshallow)',
  };
}

const enabled = canRun('Bucket moves against moto (test/infra/bucket-moves.test.ts)', [
  commandOnPath('terraform', 'install Terraform >= 1.11'),
  commandOnPath('git', 'install git (the old module is read from git)'),
  commandOnPath('tar', 'install tar (to unpack the old module)'),
  commandOnPath('moto_server', 'pip install "moto[server]" (tested with moto 5.2.1)'),
  directoryExists(
    providerMirror,
    `the provider mirror ${providerMirror}`,
    'set TF_PLUGIN_MIRROR to a mirror holding hashicorp/aws',
  ),
  commitPresent(BEFORE_BUCKET_MODULE),
]);

describe.skipIf(!enabled)('moving the buckets into modules/bucket keeps them (moto)', () => {
  let moto: MotoServer | undefined;
  let scratch = '';
  let rootDir = '';
  let env: NodeJS.ProcessEnv = {};

  async function terraform(args: readonly string[]) {
    const result = await run('terraform', args, { cwd: rootDir, env });
    const label = `terraform ${args.join(' ')}`;
    expect(
      result.code,
      `${describeRun(label, result)}\n--- moto (tail)\n${moto?.log().slice(-3000) ?? ''}`,
    ).toBe(0);
    return result;
  }

  /** Points the root at a module directory and plans against the state the old module left. */
  async function planWith(moduleDir: string, name: string): Promise<Plan> {
    await writeFile(path.join(rootDir, 'main.tf'), ROOT_MAIN(moduleDir));
    await terraform(['init', '-input=false', '-no-color']);
    const file = `${name}.tfplan`;
    await terraform(['plan', '-input=false', '-no-color', `-out=${file}`]);
    return parsePlan((await terraform(['show', '-json', file])).stdout);
  }

  const bucketChanges = (plan: Plan) =>
    plan.resource_changes.filter((rc) => rc.mode === 'managed' && rc.type.startsWith('aws_s3_bucket'));

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'relay-tf-moves-'));
    rootDir = path.join(scratch, 'root');
    await mkdir(rootDir);

    // The module as it was: its terraform/ tree at the commit before the bucket module.
    const archive = path.join(scratch, 'before.tar');
    const exported = await run('git', [
      'archive',
      '--format=tar',
      `--output=${archive}`,
      BEFORE_BUCKET_MODULE,
      'terraform',
    ]);
    if (exported.code !== 0) throw new Error(describeRun('git archive', exported));
    await mkdir(path.join(scratch, 'before'));
    const unpacked = await run('tar', ['-xf', archive, '-C', path.join(scratch, 'before')]);
    if (unpacked.code !== 0) throw new Error(describeRun('tar -xf', unpacked));

    moto = await startMoto();
    await writeFile(path.join(rootDir, 'moto_override.tf'), providerOverride(moto.endpoint));
    env = await terraformEnv(path.join(scratch, 'terraformrc'), {
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PROFILE: undefined,
    });
  }, 120_000);

  afterAll(async () => {
    await moto?.stop();
    if (scratch !== '') await rm(scratch, { recursive: true, force: true });
  });

  it('applies the buckets of the module before the move', { timeout: 300_000 }, async () => {
    await writeFile(path.join(rootDir, 'main.tf'), ROOT_MAIN(path.join(scratch, 'before', 'terraform')));
    await terraform(['init', '-input=false', '-no-color']);
    const targets = [...MOVES.keys()].map((address) => `-target=${address}`);
    const apply = await terraform(['apply', '-auto-approve', '-input=false', '-no-color', ...targets]);
    console.log(`terraform apply of the buckets before the move took ${(apply.ms / 1000).toFixed(1)} s`);
    const listed = (await terraform(['state', 'list'])).stdout.split('\n');
    expect(listed.filter((a) => a.includes('aws_s3_bucket')).sort()).toEqual([...MOVES.keys()].sort());
  });

  it('plans only moves of the bucket resources with this module', { timeout: 300_000 }, async () => {
    const published = await publishModuleRepo(path.join(scratch, 'after'));
    const plan = await planWith(published.moduleDir, 'after');

    // Each bucket resource as `<actions> from <previous address>`: a missing move shows as delete and create.
    const planned = Object.fromEntries(
      bucketChanges(plan).map((rc) => [
        rc.address,
        `${rc.change.actions.join('+')} from ${rc.previous_address ?? rc.address}`,
      ]),
    );
    expect(planned).toEqual(Object.fromEntries([...MOVES].map(([from, to]) => [to, `no-op from ${from}`])));
    // Nothing else is destroyed or replaced either (the rest of the relay was never applied: created).
    const destructive = plan.resource_changes.filter((rc) => rc.change.actions.includes('delete'));
    expect(destructive.map((rc) => `${rc.address}: ${rc.change.actions.join('+')}`)).toEqual([]);
  });

  it('would plan delete and create without the moved blocks', { timeout: 300_000 }, async () => {
    const unmoved = path.join(scratch, 'unmoved', 'terraform');
    await cp(path.join(scratch, 'after', 'terraform'), unmoved, { recursive: true });
    let removed = 0;
    for (const file of (await readdir(unmoved)).filter((f) => f.endsWith('.tf'))) {
      const text = await readFile(path.join(unmoved, file), 'utf8');
      const without = text.replace(/^moved \{\n[\s\S]*?^\}\n/gm, () => {
        removed++;
        return '';
      });
      await writeFile(path.join(unmoved, file), without);
    }
    expect(removed, 'moved blocks of the bucket resources in the module').toBe(MOVES.size);

    const changes = bucketChanges(await planWith(unmoved, 'unmoved'));
    const actions = Object.fromEntries(changes.map((rc) => [rc.address, rc.change.actions.join('+')]));
    for (const [from, to] of MOVES) {
      expect(actions[from], from).toBe('delete');
      expect(actions[to], to).toBe('create');
    }
  });
});
