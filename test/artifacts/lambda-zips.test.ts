// The zips Terraform deploys, run the way Lambda runs them (issue 9 §3). Each zip from scripts/build.ts is
// unpacked into an empty directory outside the repository, and the handler terraform/main.tf names is loaded
// in a Node process of its own that stays warm across invocations. It gets exactly the variables
// docs/runtime-contract.md gives that function, plus Lambda's own and the SDK's endpoint variables. AWS is
// local: DynamoDB and SQS emulators, and an SSM stub that holds the configuration and the secrets it references.
// hydrate calls the demo source API, and deliver the Klaviyo mock.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseRelayConfig, type SourceConfig } from '../../functions/shared/config/relay-config.ts';
import { fillPlaceholders } from '../../operations/config-file.ts';
import { startDemoSourceApi } from '../../local/demo-source-api.ts';
import {
  deliverFamilyUrls,
  MAX_MESSAGE_BYTES,
  startLocalAws,
  type LocalAws,
  type QueuePair,
} from '../../local/emulators.ts';
import { startKlaviyoMock, type KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { signedHeaders } from '../../operations/sign.ts';
import { readBatchResponse } from '../../local/sqs/batch-response.ts';
import { toSqsRecord } from '../../local/sqs/lambda-event.ts';
import { build, FUNCTIONS, type FunctionName } from '../../scripts/build.ts';
import { httpEvent } from '../helpers/http-event.ts';
import { startLambdaContainer, type LambdaContainer } from '../helpers/lambda-container.ts';
import {
  readContractVariables,
  terraformFunctionDefaults,
  terraformHandler,
  terraformNodeMajor,
  TERRAFORM_MAIN_FILE,
  type ContractVariable,
} from '../helpers/runtime-contract.ts';
import { startSsmStub, type SsmStub } from '../helpers/ssm-stub.ts';
import { extractZip } from '../../scripts/unzip.ts';
import { queueCounts } from '../../operations/queue-counts.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NAME = 'relay-zips'; // the module's `name`
const REGION = 'us-east-1'; // the emulators' region (their queue ARNs name it)
const CONFIG_PARAMETER = `/${NAME}/config`;
/** Where Terraform users keep the secrets the configuration references; one parameter per local env ref. */
const secretParameter = (envName: string) => `/${NAME}/${envName.toLowerCase().replaceAll('_', '-')}`;

interface Deployment {
  handler: string;
  nodeMajor: number;
  contract: ContractVariable[];
  taskRoots: Record<FunctionName, string>;
  entries: Record<FunctionName, string[]>;
  containers: Partial<Record<FunctionName, LambdaContainer>>;
  aws: LocalAws;
  ssm: SsmStub;
  klaviyo: KlaviyoMock;
  demoSource: SourceConfig;
  demoWebhookSecret: string;
  accessKeyIds: Record<FunctionName, string>;
}

const cleanups: (() => Promise<unknown>)[] = [];
let deployment: Deployment;

/** `{ "env": NAME }` (local mode's reference) → `{ "ssm": <parameter> }`, as a Terraform deployment writes it. */
function toSsmReferences(value: unknown, seen: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => toSsmReferences(item, seen));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  const [only] = entries;
  if (entries.length === 1 && only?.[0] === 'env' && typeof only[1] === 'string') {
    seen.add(only[1]);
    return { ssm: secretParameter(only[1]) };
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, toSsmReferences(item, seen)]));
}

/** The variables the module sets on `fn`: each contract row marked `yes` for it, and no other. */
function configuredEnvironment(
  fn: FunctionName,
  contract: readonly ContractVariable[],
  /** By variable name, or `<function>:<name>` where the functions get different values. */
  values: Readonly<Record<string, string>>,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const variable of contract) {
    const use = variable.use[fn];
    if (use === undefined) throw new Error(`docs/runtime-contract.md has no column for ${fn}`);
    if (use !== 'yes') continue;
    const value = variable.fixedValue ?? values[`${fn}:${variable.name}`] ?? values[variable.name];
    if (value === undefined)
      throw new Error(`docs/runtime-contract.md gives ${fn} ${variable.name}; this test has no value for it`);
    environment[variable.name] = value;
  }
  return environment;
}

function ancestorsOf(dir: string): string[] {
  const parent = path.dirname(dir);
  return parent === dir ? [] : [parent, ...ancestorsOf(parent)];
}

beforeAll(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'relay-lambda-zips-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const artifacts = await build({ outDir: path.join(dir, 'zips') });

  const mainTf = await readFile(TERRAFORM_MAIN_FILE, 'utf8');
  const handler = terraformHandler(mainTf);
  const nodeMajor = terraformNodeMajor(mainTf);
  const functionDefaults = terraformFunctionDefaults(mainTf);
  const contract = await readContractVariables();

  const taskRoots = {} as Record<FunctionName, string>;
  const entries = {} as Record<FunctionName, string[]>;
  for (const artifact of artifacts) {
    const taskRoot = path.join(dir, 'task', artifact.name);
    await mkdir(taskRoot, { recursive: true });
    if ((await readdir(taskRoot)).length > 0) throw new Error(`${taskRoot} is not empty`);
    taskRoots[artifact.name] = taskRoot;
    entries[artifact.name] = await extractZip(artifact.file, taskRoot);
  }

  const aws = await startLocalAws();
  cleanups.push(() => aws.close());
  const demoApiToken = randomBytes(16).toString('hex');
  const demoApi = await startDemoSourceApi({ token: demoApiToken });
  cleanups.push(() => demoApi.close());
  const klaviyoApiKey = `pk_${randomBytes(16).toString('hex')}`;
  const klaviyo = await startKlaviyoMock({ apiKey: klaviyoApiKey });
  cleanups.push(() => klaviyo.close());
  // By the local env reference's name; references the test does not use get a random value.
  const secrets: Record<string, string> = { DEMO_API_TOKEN: demoApiToken, KLAVIYO_API_KEY: klaviyoApiKey };

  // config/local.json as Terraform would render it: the same sources, secrets as SSM references.
  const localFile = path.join(repoRoot, 'config', 'local.json');
  const localText = fillPlaceholders(
    await readFile(localFile, 'utf8'),
    { DEMO_API_URL: demoApi.url, KLAVIYO_BASE_URL: klaviyo.url },
    localFile,
  );
  const referenced = new Set<string>();
  const configText = JSON.stringify(toSsmReferences(JSON.parse(localText), referenced));
  // Stored as the module stores it (docs/runtime-contract.md): the document without its sources, and each source's
  // part under <parameter>/sources/.
  const { sources: sourceParts, ...rest } = JSON.parse(configText) as { sources: Record<string, unknown> };
  const parameters: Record<string, string> = { [CONFIG_PARAMETER]: JSON.stringify(rest) };
  for (const [source, part] of Object.entries(sourceParts))
    parameters[`${CONFIG_PARAMETER}/sources/${source}`] = JSON.stringify(part);
  for (const envName of referenced) {
    secrets[envName] ??= randomBytes(16).toString('hex');
    parameters[secretParameter(envName)] = secrets[envName];
  }
  const demoSource = parseRelayConfig(configText, CONFIG_PARAMETER).sources.demo;
  const demoWebhookSecret = secrets.DEMO_WEBHOOK_SECRET;
  if (!demoSource || !demoWebhookSecret) throw new Error('config/local.json no longer has the demo source');
  const ssm = await startSsmStub(parameters);
  cleanups.push(() => ssm.close());

  const dynamodbEndpoint = await aws.dynamodb.config.endpoint?.();
  if (!dynamodbEndpoint) throw new Error('the DynamoDB emulator has no endpoint');
  const values: Record<string, string> = {
    RELAY_CONFIG_PARAMETER: CONFIG_PARAMETER,
    POWERTOOLS_SERVICE_NAME: NAME,
    POWERTOOLS_LOG_LEVEL: 'INFO', // the module's default log_level
    DEDUPE_TABLE_NAME: aws.tableName,
    HYDRATE_QUEUE_URL: aws.hydrate.url,
    HYDRATE_DLQ_URL: aws.hydrate.dlqUrl,
    DELIVER_QUEUE_URL: aws.deliver.url,
    DELIVER_DLQ_URL: aws.deliver.dlqUrl,
    // Every other family's deliver queue pair (DELIVER_QUEUE_URLS, DELIVER_DLQ_URLS), as the module's default.
    ...deliverFamilyUrls(aws),
    'hydrate:MAX_RECEIVE_COUNT': String(aws.hydrate.maxReceiveCount),
    'deliver:MAX_RECEIVE_COUNT': String(aws.deliver.maxReceiveCount),
    MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
    CLAIM_CHECK_BUCKET: aws.payloadBucket,
    // The module's default without the archive: 4 days on a queue, 14 in a DLQ, a day (terraform/dedupe.tf).
    STATE_TTL_SECONDS: String(19 * 86_400),
  };
  // Not the module's: what points the SDK at the local services instead of AWS.
  const endpoints = {
    AWS_ENDPOINT_URL_SQS: aws.sqsEndpoint,
    // fauxqs serves S3 on the same port (an IP endpoint, so the SDK addresses buckets by path).
    AWS_ENDPOINT_URL_S3: aws.sqsEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB: new URL(
      dynamodbEndpoint.path,
      `http://${dynamodbEndpoint.hostname}:${dynamodbEndpoint.port}`,
    ).href,
    AWS_ENDPOINT_URL_SSM: ssm.endpoint,
  };
  // Each function's role hands out its own credentials, so the SSM stub can tell the functions apart.
  const accessKeyIds = Object.fromEntries(
    FUNCTIONS.map((fn) => [fn, `ASIA${fn.toUpperCase()}TEST`]),
  ) as Record<FunctionName, string>;

  deployment = {
    handler,
    nodeMajor,
    contract,
    taskRoots,
    entries,
    containers: {},
    aws,
    ssm,
    klaviyo,
    demoSource,
    demoWebhookSecret,
    accessKeyIds,
  };
  await Promise.all(
    FUNCTIONS.map(async (fn) => {
      const settings = functionDefaults[fn];
      if (!settings) throw new Error(`terraform/main.tf has no function_defaults for ${fn}`);
      const container = await startLambdaContainer({
        taskRoot: taskRoots[fn],
        handler,
        runtime: `nodejs${nodeMajor}.x`,
        functionName: `${NAME}-${fn}`,
        region: REGION,
        memorySize: settings.memorySize,
        timeoutSeconds: settings.timeoutSeconds,
        credentials: { accessKeyId: accessKeyIds[fn], secretAccessKey: 'local', sessionToken: 'local' },
        environment: { ...configuredEnvironment(fn, contract, values), ...endpoints },
      });
      cleanups.push(() => container.stop());
      deployment.containers[fn] = container;
    }),
  );
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

function container(fn: FunctionName): LambdaContainer {
  const running = deployment.containers[fn];
  if (!running) throw new Error(`the ${fn} container is not running`);
  return running;
}

// A failed expectation about an answer is easier to read beside what the functions logged.
beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    for (const fn of FUNCTIONS) console.error(`--- ${fn} ---\n${deployment.containers[fn]?.output() ?? ''}`);
  });
});

async function invokeIngest(event: APIGatewayProxyEventV2) {
  const answer = (await container('ingest').invoke(event)) as APIGatewayProxyStructuredResultV2;
  return { status: answer.statusCode, body: JSON.parse(answer.body ?? 'null') as Record<string, unknown> };
}

/** What the event source mapping hands the function: the waiting messages as one SQS event. */
async function receiveAsEvent(sqs: SQSClient, queue: QueuePair): Promise<SQSEvent> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.url,
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  return { Records: Messages.map((message) => toSqsRecord(message, queue.arn)) };
}

/** What the event source mapping does with the answer: deletes the records that succeeded. */
async function settle(sqs: SQSClient, queueUrl: string, event: SQSEvent, answer: unknown) {
  const outcome = readBatchResponse(event.Records, answer);
  if (outcome.kind === 'processed') {
    for (const record of outcome.succeeded)
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: record.receiptHandle }));
  }
  return outcome;
}

async function depth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { waiting, inFlight } = await queueCounts(sqs, queueUrl);
  return waiting + inFlight;
}

describe('the built Lambda zips, unpacked and invoked as Lambda runs them', () => {
  const deliveryId = randomUUID();
  let order: Buffer;
  beforeAll(async () => {
    order = await readFile(path.join(repoRoot, 'samples', 'demo-order.json'));
  });

  it('unpack into empty directories with no node_modules above them, and load in the runtime Terraform names', () => {
    const { handler, nodeMajor, contract, taskRoots, entries } = deployment;
    const handlerFile = handler.slice(0, handler.lastIndexOf('.'));
    for (const fn of FUNCTIONS) {
      expect(entries[fn], fn).toContainEqual(expect.stringMatching(new RegExp(`^${handlerFile}\\.[cm]?js$`)));
      for (const dir of ancestorsOf(taskRoots[fn]))
        expect(existsSync(path.join(dir, 'node_modules')), dir).toBe(false);
      expect(container(fn).nodeVersion).toMatch(new RegExp(`^v${nodeMajor}\\.`));

      // Exactly: the contract's variables for this function, Lambda's own, and the endpoints; no local-mode ones.
      const seen = container(fn).environment;
      const configured = contract.filter((v) => v.use[fn] === 'yes').map((v) => v.name);
      expect(seen).toEqual(expect.arrayContaining(configured));
      for (const variable of contract.filter((v) => v.use[fn] !== 'yes'))
        expect(seen, fn).not.toContain(variable.name);
      const others = seen.filter((name) => !configured.includes(name));
      expect(others.sort(), fn).toEqual(
        [
          ...[
            'AWS_ENDPOINT_URL_DYNAMODB',
            'AWS_ENDPOINT_URL_S3',
            'AWS_ENDPOINT_URL_SQS',
            'AWS_ENDPOINT_URL_SSM',
          ],
          ...[
            'AWS_REGION',
            'AWS_DEFAULT_REGION',
            'AWS_ACCESS_KEY_ID',
            'AWS_SECRET_ACCESS_KEY',
            'AWS_SESSION_TOKEN',
          ],
          ...['AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_VERSION'],
          ...['AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_INITIALIZATION_TYPE'],
          ...['AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME', 'LAMBDA_TASK_ROOT', '_HANDLER'],
          ...['LANG', 'TZ', 'PATH'],
        ].sort(),
      );
    }
  });

  it('ingest: API Gateway v2 events → 202, then 200 duplicate, 401 on a bad signature, one hydrate message', async () => {
    const { demoSource, demoWebhookSecret, aws } = deployment;
    const request = (secret: string, id: string) =>
      httpEvent({
        source: 'demo',
        body: order,
        headers: signedHeaders(demoSource, order, secret, { deliveryId: id }),
      });

    expect(await invokeIngest(request(demoWebhookSecret, deliveryId))).toMatchObject({
      status: 202,
      body: { code: 'accepted', delivery_id: deliveryId },
    });
    expect(await invokeIngest(request(demoWebhookSecret, deliveryId))).toMatchObject({
      status: 200,
      body: { code: 'duplicate' },
    });
    expect(await invokeIngest(request('not-the-secret', randomUUID()))).toMatchObject({
      status: 401,
      body: { code: 'invalid_signature' },
    });

    expect(await depth(aws.sqs, aws.hydrate.url)).toBe(1);
    expect(container('ingest').invocations).toBe(3);
  });

  it('hydrate: the queued message as an SQS event → no failures, one hydrated event on the deliver queue', async () => {
    const { aws } = deployment;
    const event = await receiveAsEvent(aws.sqs, aws.hydrate);
    expect(event.Records).toHaveLength(1);
    expect(JSON.parse(event.Records[0]?.body ?? '')).toMatchObject({
      type: 'webhook.received',
      source: 'demo',
      delivery_id: deliveryId,
    });

    const answer = await container('hydrate').invoke(event);
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(await settle(aws.sqs, aws.hydrate.url, event, answer)).toMatchObject({
      kind: 'processed',
      failed: [],
    });

    expect(await depth(aws.sqs, aws.deliver.url)).toBe(1);
  });

  it('deliver: the hydrated message as an SQS event → the Klaviyo mock records the event', async () => {
    const { aws, klaviyo } = deployment;
    const event = await receiveAsEvent(aws.sqs, aws.deliver);
    expect(event.Records).toHaveLength(1);
    expect(JSON.parse(event.Records[0]?.body ?? '')).toMatchObject({
      type: 'klaviyo.event',
      metric: 'Placed Order',
      unique_id: `demo:${deliveryId}`,
      properties: {
        customer_first_name: 'Ada',
        address_city: 'London',
        products_sku: ['TEE-RED-M', 'MUG-BLK'],
      },
    });

    const answer = await container('deliver').invoke(event);
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(await settle(aws.sqs, aws.deliver.url, event, answer)).toMatchObject({
      kind: 'processed',
      failed: [],
    });

    expect(klaviyo.events()).toEqual([
      expect.objectContaining({
        via: 'create_event',
        metric: 'Placed Order',
        uniqueId: `demo:${deliveryId}`,
        profile: expect.objectContaining({ email: 'ada.lovelace@example.com' }) as unknown,
        properties: expect.objectContaining({
          relay_source: 'demo',
          customer_last_name: 'Lovelace',
        }) as unknown,
      }),
    ]);
    for (const url of [aws.hydrate.url, aws.hydrate.dlqUrl, aws.deliver.url, aws.deliver.dlqUrl])
      expect(await depth(aws.sqs, url), url).toBe(0);
  });

  it('read the configuration (split per source) and secrets from SSM with decryption, once per warm container', () => {
    const { ssm, accessKeyIds } = deployment;
    const callsBy = (fn: FunctionName) => ssm.calls.filter((call) => call.accessKeyId === accessKeyIds[fn]);
    const readsOf = (fn: FunctionName) =>
      callsBy(fn)
        .map((call) => `${call.target.replace('AmazonSSM.', '')} ${call.name ?? ''}`)
        .sort();
    const configReads = [
      `GetParameter ${CONFIG_PARAMETER}`,
      `GetParametersByPath ${CONFIG_PARAMETER}/sources`,
    ];
    expect(ssm.calls.every((call) => call.withDecryption)).toBe(true);
    // ingest served three requests but read the configuration and the webhook secret once.
    expect(readsOf('ingest')).toEqual(
      [...configReads, `GetParameter ${secretParameter('DEMO_WEBHOOK_SECRET')}`].sort(),
    );
    expect(readsOf('hydrate')).toEqual(
      [...configReads, `GetParameter ${secretParameter('DEMO_API_TOKEN')}`].sort(),
    );
    expect(readsOf('deliver')).toEqual(
      [...configReads, `GetParameter ${secretParameter('KLAVIYO_API_KEY')}`].sort(),
    );
  });
});
