// `npm run deploy:local [-- --destroy] [--port N] [--dir DIR]`: the Terraform module tried without AWS. Applies
// terraform/examples/complete to moto_server on loopback, as the apply tests do (the moto shim, every provider
// endpoint on moto, providers from the local mirror), leaves moto running, then runs the deployed functions
// against it until Ctrl-C (./deploy-local/run-functions.ts) and writes a stack file for the relay CLI whose
// webhook URLs name the local endpoint standing for API Gateway. `--destroy` destroys it and stops that moto.
// State is moto's memory: a new moto starts empty, so a state left by an earlier one is dropped before applying.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEntryArgs } from '../operations/entry-args.ts';
import type { StackOutputs } from '../operations/stack-file.ts';
import { klaviyoTarget, terraformVariables, type KlaviyoTarget } from './deploy-local/klaviyo-target.ts';
import {
  deployLocalOptions,
  localPorts,
  OPTIONS,
  REGION,
  USAGE,
  type DeployLocalOptions,
} from './deploy-local/options.ts';
import { prepareRoot } from './deploy-local/root.ts';
import { runDeployedFunctions, type RunningFunctions } from './deploy-local/run-functions.ts';
import { runningStackOutputs } from './deploy-local/stack-outputs.ts';
import { motoAnswers, startMotoInBackground } from './local-aws/moto.ts';
import { describeRun, findOnPath, repoRoot, run } from './local-aws/run.ts';
import { providerMirror, terraformEnv } from './local-aws/terraform-env.ts';

const { values } = parseEntryArgs(USAGE, OPTIONS);
/** The example's variables deploy:local sets (the Klaviyo and demo API URLs), read by every later plan too. */
const VARIABLES_FILE = 'deploy-local.auto.tfvars.json';

function files(options: DeployLocalOptions) {
  const at = (name: string) => path.join(options.dir, name);
  return {
    root: at('root'),
    pid: at('moto.pid'),
    log: at('moto.log'),
    stack: at('stack.json'),
    rc: at('terraformrc'),
    functions: at('functions'),
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

async function apply(options: DeployLocalOptions): Promise<StackOutputs> {
  const f = files(options);
  const ports = localPorts(options);
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
  const variables = terraformVariables(
    klaviyoTarget(process.env, ports.klaviyoMock),
    `http://127.0.0.1:${ports.demoApi}`,
    process.env,
  );
  await writeFile(path.join(f.root, VARIABLES_FILE), `${JSON.stringify(variables.file, null, 2)}\n`);
  const env = { ...(await terraformEnvFor(options)), ...variables.env };
  await terraform(['init', '-input=false', '-no-color'], f.root, env);
  await terraform(['apply', '-auto-approve', '-input=false', '-no-color'], f.root, env);
  const outputs = await terraform(['output', '-json'], f.root, env, true);
  await writeFile(f.stack, outputs.stdout);
  return JSON.parse(outputs.stdout) as StackOutputs;
}

function describeKlaviyo(target: KlaviyoTarget, running: RunningFunctions): string {
  if (running.klaviyoMock)
    return `the Klaviyo mock, ${target.baseUrl} (GET ${target.baseUrl}/_mock/events lists what it received)`;
  return target.kind === 'given' && !target.keyFromEnv
    ? `${target.baseUrl} (KLAVIYO_BASE_URL)`
    : `${target.baseUrl} with KLAVIYO_API_KEY: events go to that account`;
}

/** Runs the deployed functions until SIGINT or SIGTERM, then puts back what it set aside. */
async function runFunctions(options: DeployLocalOptions, outputs: StackOutputs): Promise<void> {
  const f = files(options);
  const ports = localPorts(options);
  const target = klaviyoTarget(process.env, ports.klaviyoMock);
  await rm(f.functions, { recursive: true, force: true });
  const running = await runDeployedFunctions({
    endpoint: options.endpoint,
    region: REGION,
    outputs,
    workDir: f.functions,
    ports,
    klaviyo: target,
    log: (line) => console.log(line),
  });
  await writeFile(f.stack, `${JSON.stringify(runningStackOutputs(outputs, running.apiEndpoint), null, 2)}\n`);
  const stack = path.relative(repoRoot, f.stack) || f.stack;
  const sources = Object.keys(outputs.webhook_urls?.value ?? {});
  const queues = running.queues.map(
    (q) => `${q.queueArn.split(':').at(-1) ?? q.queueArn} → ${q.functionName}`,
  );
  console.log(
    [
      '',
      `Applied terraform/examples/complete to moto at ${options.endpoint}; the deployed functions run against it.`,
      '',
      `  Webhooks:  ${sources.map((s) => `POST ${running.webhookBaseUrl}/${encodeURIComponent(s)}`).join('\n             ')}`,
      `             (the local endpoint standing for API Gateway; the stack file names it)`,
      `  Queues:    ${queues.join('\n             ')}`,
      `  Klaviyo:   ${describeKlaviyo(target, running)}`,
      ...(running.demoApiUrl ? [`  Demo API:  ${running.demoApiUrl} (hydration of the demo source)`] : []),
      `  Stack:     ${stack}`,
      '',
      'In another terminal, the relay CLI reaches it with:',
      `  export AWS_ENDPOINT_URL=${options.endpoint} AWS_REGION=${REGION} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test`,
      `  npx klaviyo-relay send demo samples/demo-order.json --stack ${stack} --delivery-id order-1`,
      `  npx klaviyo-relay trace demo order-1 --stack ${stack}`,
      `  npx klaviyo-relay dlq list hydrate --stack ${stack}`,
      '',
      'Ctrl-C stops the functions (moto keeps the deployment); npm run deploy:local -- --destroy takes it down.',
    ].join('\n'),
  );

  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  console.log('stopping the functions…');
  await running.stop();
  // Without the runner the local endpoint is gone: the stack file is Terraform's outputs again.
  await writeFile(f.stack, `${JSON.stringify(outputs, null, 2)}\n`);
  console.log(`stopped; moto keeps the deployment (${options.endpoint}); the stack file is ${stack}`);
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
  if (options.destroy) await destroy(options);
  else await runFunctions(options, await apply(options));
} catch (error) {
  console.error(`npm run deploy:local: ${(error as Error).message}`);
  process.exitCode = 1;
}
