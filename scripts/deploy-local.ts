// `npm run deploy:local [-- --destroy] [--port N] [--dir DIR]`: the Terraform module tried without AWS. Applies
// terraform/examples/complete to moto_server on loopback, as the apply tests do (the moto shim, every provider
// endpoint on moto, providers from the local mirror), leaves moto running, and writes the outputs as a stack
// file for the relay CLI. `--destroy` destroys it and stops that moto. State is moto's memory: a new moto
// starts empty, so a state left by an earlier one is dropped before applying.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEntryArgs } from '../operations/entry-args.ts';
import {
  deployLocalOptions,
  OPTIONS,
  REGION,
  USAGE,
  type DeployLocalOptions,
} from './deploy-local/options.ts';
import { prepareRoot } from './deploy-local/root.ts';
import { motoAnswers, startMotoInBackground } from './local-aws/moto.ts';
import { describeRun, findOnPath, repoRoot, run } from './local-aws/run.ts';
import { providerMirror, terraformEnv } from './local-aws/terraform-env.ts';

const { values } = parseEntryArgs(USAGE, OPTIONS);

function files(options: DeployLocalOptions) {
  const at = (name: string) => path.join(options.dir, name);
  return {
    root: at('root'),
    pid: at('moto.pid'),
    log: at('moto.log'),
    stack: at('stack.json'),
    rc: at('terraformrc'),
  };
}

function requireTools(): void {
  const missing = [
    ['terraform', 'install Terraform >= 1.11'],
    ['moto_server', 'pip install "moto[server]" (tested with moto 5.2.1)'],
  ].filter(([command]) => findOnPath(command as string) === undefined);
  if (!existsSync(providerMirror))
    missing.push([
      `the provider mirror ${providerMirror}`,
      'set TF_PLUGIN_MIRROR to a mirror holding hashicorp/aws',
    ]);
  if (missing.length > 0)
    throw new Error(`missing ${missing.map(([what, hint]) => `${what} (${hint})`).join('; ')}`);
}

/** Runs a Terraform command in the root, its output shown as it comes unless `quiet`; throws on failure. */
async function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv, quiet = false) {
  const result = await run('terraform', args, { cwd, env, echo: !quiet });
  if (result.code !== 0) throw new Error(describeRun(`terraform ${args[0]}`, result));
  return result;
}

const terraformEnvFor = (options: DeployLocalOptions) =>
  terraformEnv(files(options).rc, { AWS_EC2_METADATA_DISABLED: 'true', AWS_PROFILE: undefined });

async function apply(options: DeployLocalOptions): Promise<void> {
  const f = files(options);
  await mkdir(options.dir, { recursive: true });
  if (await motoAnswers(options.endpoint)) {
    console.log(`moto_server already answers on ${options.endpoint}: applying to it`);
  } else {
    const pid = await startMotoInBackground(options.port, f.log);
    await writeFile(f.pid, `${pid}\n`);
    console.log(`moto_server started on ${options.endpoint} (pid ${pid}, log ${f.log})`);
    // What an earlier moto held is gone with it.
    await rm(path.join(f.root, 'terraform.tfstate'), { force: true });
  }
  await prepareRoot(f.root, options.endpoint);
  const env = await terraformEnvFor(options);
  await terraform(['init', '-input=false', '-no-color'], f.root, env);
  await terraform(['apply', '-auto-approve', '-input=false', '-no-color'], f.root, env);
  const outputs = await terraform(['output', '-json'], f.root, env, true);
  await writeFile(f.stack, outputs.stdout);
  const stack = path.relative(repoRoot, f.stack) || f.stack;
  console.log(
    [
      '',
      `Applied terraform/examples/complete to moto at ${options.endpoint}; its outputs are in ${stack}.`,
      'The relay CLI reaches it with:',
      `  export AWS_ENDPOINT_URL=${options.endpoint} AWS_REGION=${REGION} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test`,
      `  npx klaviyo-relay dlq list hydrate --stack ${stack}`,
      'Take it down with: npm run deploy:local -- --destroy',
    ].join('\n'),
  );
}

async function destroy(options: DeployLocalOptions): Promise<void> {
  const f = files(options);
  if (!existsSync(path.join(f.root, 'terraform.tfstate'))) {
    console.log(`nothing applied under ${options.dir}`);
  } else if (await motoAnswers(options.endpoint)) {
    await prepareRoot(f.root, options.endpoint);
    await terraform(
      ['destroy', '-auto-approve', '-input=false', '-no-color'],
      f.root,
      await terraformEnvFor(options),
    );
  } else {
    console.log(`no moto_server answers on ${options.endpoint}: what was applied is gone with it`);
  }
  await rm(path.join(f.root, 'terraform.tfstate'), { force: true });
  await rm(f.stack, { force: true });
  if (existsSync(f.pid)) {
    const pid = Number((await readFile(f.pid, 'utf8')).trim());
    try {
      process.kill(pid, 'SIGTERM');
      console.log(`moto_server (pid ${pid}) stopped`);
    } catch {
      // already gone
    }
    await rm(f.pid, { force: true });
  }
}

try {
  const options = deployLocalOptions(values);
  requireTools();
  await (options.destroy ? destroy(options) : apply(options));
} catch (error) {
  console.error(`npm run deploy:local: ${(error as Error).message}`);
  process.exitCode = 1;
}
