// The running half of `npm run deploy:local`: the deployed functions against moto, as Lambda would run them
// (scripts/local-aws/: each function's deployed zip with the configuration moto holds, ingest behind a local
// endpoint standing for API Gateway, a poller for every queue an event source mapping names), the Klaviyo mock
// deliver sends to (unless another Klaviyo was chosen) and the demo source's API hydration calls.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startDemoSourceApi } from '../../local/demo-source-api.ts';
import type { RunningServer } from '../../local/http-server.ts';
import { startKlaviyoMock, type KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import type { StackOutputs } from '../../operations/stack-file.ts';
import { startDeployedFunction, type DeployedFunction } from '../local-aws/deployed-function.ts';
import { eventSourceQueues, type EventSourceQueue } from '../local-aws/event-source-queues.ts';
import { startFunctionRunner, type FunctionRunner } from '../local-aws/function-runner.ts';
import { repoRoot } from '../local-aws/run.ts';
import { setAsideForLocalFunctions, type SetAside } from '../local-aws/set-aside.ts';
import type { KlaviyoTarget } from './klaviyo-target.ts';
import { demoApiTokenSecretOf, stringMapOutput, stringOutput } from './stack-outputs.ts';

export interface RunFunctionsOptions {
  /** moto's endpoint. */
  endpoint: string;
  region: string;
  outputs: StackOutputs;
  /** Where the packages are unzipped. */
  workDir: string;
  ports: { webhook: number; demoApi: number };
  klaviyo: KlaviyoTarget;
  log: (line: string) => void;
}

export interface RunningFunctions {
  readonly apiEndpoint: string;
  readonly webhookBaseUrl: string;
  readonly klaviyoMock: KlaviyoMock | undefined;
  /** The demo source's API, when the configuration has a demo source reading its token from Secrets Manager. */
  readonly demoApiUrl: string | undefined;
  /** The queues polled, with the function each feeds. */
  readonly queues: readonly EventSourceQueue[];
  /** Stops everything it started and puts back what was set aside (mappings, bucket policies). */
  stop(): Promise<void>;
}

/** The module's prebuilt zip of each function (artifacts_dir is null in the root deploy:local applies). */
const artifactOf = (fn: string) => path.join(repoRoot, 'terraform', 'artifacts', `${fn}.zip`);

async function checkDeployedCode(lambda: LambdaClient, functionName: string, zipFile: string): Promise<void> {
  const { CodeSha256 } = await lambda.send(
    new GetFunctionConfigurationCommand({ FunctionName: functionName }),
  );
  const local = createHash('sha256')
    .update(await readFile(zipFile))
    .digest('base64');
  if (CodeSha256 !== local)
    throw new Error(
      `${functionName}'s deployed code (CodeSha256 ${CodeSha256 ?? 'none'}) is not ${path.relative(repoRoot, zipFile)} (${local}): apply again`,
    );
}

export async function runDeployedFunctions(options: RunFunctionsOptions): Promise<RunningFunctions> {
  const aws = {
    endpoint: options.endpoint,
    region: options.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const lambda = new LambdaClient(aws);
  const sqs = new SQSClient(aws);
  const logs = new CloudWatchLogsClient(aws);
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse())
      await cleanup().catch((error: unknown) => options.log(`stopping: ${(error as Error).message}`));
  };

  try {
    const setAside: SetAside = await setAsideForLocalFunctions({
      lambda,
      s3: new S3Client({ ...aws, forcePathStyle: true }),
      buckets: ['archive_bucket_name', 'payload_bucket_name']
        .filter((name) => name in options.outputs)
        .map((name) => stringOutput(options.outputs, name)),
    });
    cleanups.push(() => setAside.restore());

    let demoApi: RunningServer | undefined;
    const tokenSecret = demoApiTokenSecretOf(options.outputs);
    if (tokenSecret !== undefined) {
      // The API asks for the token the deployment holds, whatever it is (a placeholder until replaced).
      const { SecretString: token } = await new SecretsManagerClient(aws).send(
        new GetSecretValueCommand({ SecretId: tokenSecret }),
      );
      const api = await startDemoSourceApi({ token: token ?? '', port: options.ports.demoApi });
      demoApi = api;
      cleanups.push(() => api.close());
    }
    let klaviyoMock: KlaviyoMock | undefined;
    if (options.klaviyo.kind === 'mock') {
      const mock = await startKlaviyoMock({ port: options.klaviyo.port, log: options.log });
      klaviyoMock = mock;
      cleanups.push(() => mock.close());
    }

    const functionNames = stringMapOutput(options.outputs, 'function_names');
    const functions: Record<string, DeployedFunction> = {};
    for (const [fn, functionName] of Object.entries(functionNames)) {
      const zipFile = artifactOf(fn);
      await checkDeployedCode(lambda, functionName, zipFile);
      const started = await startDeployedFunction({
        lambda,
        logs,
        functionName,
        zipFile,
        taskRoot: path.join(options.workDir, fn),
        endpoint: options.endpoint,
        region: options.region,
      });
      functions[fn] = started;
      cleanups.push(() => started.stop());
    }
    const ingest = functions.ingest;
    if (!ingest) throw new Error('the outputs name no ingest function');

    const queues = await eventSourceQueues(lambda, sqs);
    const runner: FunctionRunner = await startFunctionRunner({
      sqs,
      ingest,
      functions: Object.values(functions),
      queues,
      port: options.ports.webhook,
      report: options.log,
    });
    cleanups.push(() => runner.stop());
    return {
      apiEndpoint: runner.apiEndpoint,
      webhookBaseUrl: runner.webhookBaseUrl,
      klaviyoMock,
      demoApiUrl: demoApi?.url,
      queues,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
