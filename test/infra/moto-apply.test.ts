// A real `terraform apply` of terraform/examples/complete against moto_server on loopback, read back with
// the AWS SDK. The example is used as a consumer uses the module: copied to a root outside the repository,
// its module sourced by `git::file://…//terraform?ref=<tag>` from a tagged repository (module-repo.ts), with
// no dist/ anywhere, so it deploys the module's prebuilt zips. Then: a second plan shows no changes; pointing
// artifacts_dir at a fresh `npm run build` changes where the code comes from but not its hash (the prebuilt
// zips are that build, byte for byte), and once applied a rebuild plans no function change; a changed
// hydrate zip plans an update of hydrate only; and `destroy` leaves nothing behind.
//
// Emulator differences (proven here, recorded in docs/adr/0002-terraform-module-shape.md):
//  - moto 5.2.1 ignores KMSKeyArn on Lambda functions, so every plan wants to set kms_key_arn again;
//  - moto re-serialises an SQS RedrivePolicy with spaces (Python's json.dumps), which the provider reads
//    back as a string change ("whitespace changes") of an equal JSON document;
//  - moto does not return RedriveAllowPolicy at all; scripts/local-aws/moto-shim/ makes it return the stored value,
//    without which the provider waits for it until it times out.
// The no-change assertions allow exactly these differences, and only after checking that moto still
// behaves that way; everything else must be a no-op.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import {
  ApiGatewayV2Client,
  GetApisCommand,
  GetIntegrationsCommand,
  GetRoutesCommand,
  GetStagesCommand,
} from '@aws-sdk/client-apigatewayv2';
import { CloudWatchClient, DescribeAlarmsCommand, GetDashboardCommand } from '@aws-sdk/client-cloudwatch';
import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import {
  GetRolePolicyCommand,
  IAMClient,
  ListRolePoliciesCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ListFunctionsCommand,
} from '@aws-sdk/client-lambda';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { parseRelayConfig } from '../../functions/shared/config/relay-config.ts';
import { readSsmDocument } from '../../functions/shared/config/loader.ts';
import { signedHeaders } from '../../operations/sign.ts';
import { build } from '../../scripts/build.ts';
import {
  pollOnce,
  startDeployedFunction,
  type DeployedFunction,
} from '../../scripts/local-aws/deployed-function.ts';
import { eventSourceQueues } from '../../scripts/local-aws/event-source-queues.ts';
import { startFunctionRunner } from '../../scripts/local-aws/function-runner.ts';
import { setAsideForLocalFunctions, type SetAside } from '../../scripts/local-aws/set-aside.ts';
import { httpEvent } from '../helpers/http-event.ts';
import { runRelay, type Trace } from '../helpers/relay-cli.ts';
import { waitFor } from '../helpers/wait.ts';
import { actionsCalledBy } from './code-actions.ts';
import { publishModuleRepo } from './module-repo.ts';
import { startMoto, providerOverride } from './moto.ts';
import type { MotoServer } from './moto.ts';
import {
  changeOf,
  changedAttributes,
  effectiveChanges,
  parsePlan,
  unexplainedChanges,
  withZipComment,
} from './plan.ts';
import type { EmulatorQuirk, Plan } from './plan.ts';
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
import { queueCounts } from '../../operations/queue-counts.ts';

const FUNCTIONS = ['ingest', 'hydrate', 'deliver'] as const;
type FunctionName = (typeof FUNCTIONS)[number];
// Hydrate's queue, then deliver's: one for events and one per other Klaviyo write family (the module's default
// deliver_queues, which examples/complete keeps), all consumed by deliver.
const DELIVER_FAMILY_QUEUES = {
  profiles: 'deliver-profiles',
  consent: 'deliver-consent',
  catalog: 'deliver-catalog',
  records: 'deliver-records',
  'back-in-stock': 'deliver-back-in-stock',
} as const;
const QUEUES = ['hydrate', 'deliver', ...Object.values(DELIVER_FAMILY_QUEUES)] as const;
type QueueName = (typeof QUEUES)[number];
const consumerOf = (queue: QueueName): FunctionName => (queue === 'hydrate' ? 'hydrate' : 'deliver');
const REGION = 'us-east-2';
const NAME = 'relay-complete'; // the example's default name

// docs/runtime-contract.md, "Environment variables".
const CONTRACT_ENV: Record<FunctionName, readonly string[]> = {
  ingest: ['DEDUPE_TABLE_NAME', 'HYDRATE_QUEUE_URL'],
  // ARCHIVE_BUCKET is `opt` in the contract: the complete example turns the archive on.
  hydrate: [
    'HYDRATE_QUEUE_URL',
    'HYDRATE_DLQ_URL',
    'DELIVER_QUEUE_URL',
    'DELIVER_QUEUE_URLS',
    'MAX_RECEIVE_COUNT',
    'ARCHIVE_BUCKET',
  ],
  deliver: [
    'DELIVER_QUEUE_URL',
    'DELIVER_DLQ_URL',
    'DELIVER_QUEUE_URLS',
    'DELIVER_DLQ_URLS',
    'MAX_RECEIVE_COUNT',
    'DEDUPE_TABLE_NAME',
    'STATE_TTL_SECONDS',
  ],
};
const COMMON_ENV = [
  'MAX_MESSAGE_BYTES',
  'CLAIM_CHECK_BUCKET',
  'RELAY_CONFIG_PARAMETER',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_LOG_LEVEL',
];

const StringMap = z.record(z.string(), z.string());
const OutputsSchema = z.object({
  function_names: z.object({ value: StringMap }),
  function_arns: z.object({ value: StringMap }),
  role_arns: z.object({ value: StringMap }),
  queue_urls: z.object({ value: StringMap }),
  queue_arns: z.object({ value: StringMap }),
  dlq_urls: z.object({ value: StringMap }),
  dlq_arns: z.object({ value: StringMap }),
  dedupe_table_name: z.object({ value: z.string() }),
  config_parameter_name: z.object({ value: z.string() }),
  api_id: z.object({ value: z.string() }),
  kms_key_arn: z.object({ value: z.string() }),
  webhook_urls: z.object({ value: StringMap }),
  alarm_arns: z.object({ value: StringMap }),
  alarm_topic_arn: z.object({ value: z.string() }),
  payload_bucket_name: z.object({ value: z.string() }),
  archive_bucket_name: z.object({ value: z.string() }),
  payload_bucket_arn: z.object({ value: z.string() }),
});
type Outputs = z.infer<typeof OutputsSchema>;

const RedrivePolicySchema = z.object({ deadLetterTargetArn: z.string(), maxReceiveCount: z.coerce.number() });
const RedriveAllowPolicySchema = z.object({
  redrivePermission: z.string(),
  sourceQueueArns: z.array(z.string()),
});
const PolicyDocumentSchema = z.object({
  Statement: z.array(
    z.object({
      Effect: z.string(),
      Action: z.union([z.string(), z.array(z.string())]),
      Resource: z.union([z.string(), z.array(z.string())]),
    }),
  ),
});

function at<T>(record: Record<string, T>, key: string): T {
  const value = record[key];
  if (value === undefined) throw new Error(`missing key ${key} in ${JSON.stringify(record)}`);
  return value;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('base64');
}

/** IAM returns policy documents URL-encoded (moto sometimes does not); accept both. */
function parsePolicyDocument(document: string): z.infer<typeof PolicyDocumentSchema> {
  const text = document.trimStart().startsWith('{') ? document : decodeURIComponent(document);
  return PolicyDocumentSchema.parse(JSON.parse(text));
}

const enabled = canRun('Terraform apply against moto (test/infra/moto-apply.test.ts)', [
  commandOnPath('terraform', 'install Terraform >= 1.11'),
  commandOnPath('git', 'install git (the module is sourced from a git ref)'),
  commandOnPath('moto_server', 'pip install "moto[server]" (tested with moto 5.2.1)'),
  directoryExists(
    providerMirror,
    `the provider mirror ${providerMirror}`,
    'set TF_PLUGIN_MIRROR to a mirror holding hashicorp/aws',
  ),
]);

describe.skipIf(!enabled)('terraform apply of examples/complete against moto', () => {
  let moto: MotoServer | undefined;
  let scratch = '';
  let exampleDir = '';
  let distDir = '';
  let releaseHashes: Record<string, string> = {};
  let moduleArtifactsDir = '';
  let env: NodeJS.ProcessEnv = {};
  let outputs: Outputs;
  let quirks: EmulatorQuirk[] = [];

  const aws = () => {
    if (moto === undefined) throw new Error('moto is not running');
    return {
      endpoint: moto.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    };
  };
  /** Reads the configuration document's parameters as the functions do (config/loader.ts). */
  const ssmReader = () => new SSMProvider({ clientConfig: aws() });

  async function terraform(args: readonly string[], label = `terraform ${args.join(' ')}`) {
    const result = await run('terraform', args, { cwd: exampleDir, env });
    expect(
      result.code,
      describeRun(label, result) + `\n--- moto (tail)\n${moto?.log().slice(-3000) ?? ''}`,
    ).toBe(0);
    return result;
  }

  /** Saves a plan and returns it as JSON, with the plan's -detailed-exitcode (0 no changes, 2 changes). */
  async function savedPlan(
    file: string,
    extraArgs: readonly string[] = [],
  ): Promise<{ plan: Plan; exitCode: number }> {
    const result = await run(
      'terraform',
      ['plan', '-input=false', '-no-color', '-detailed-exitcode', `-out=${file}`, ...extraArgs],
      {
        cwd: exampleDir,
        env,
      },
    );
    expect([0, 2], describeRun('terraform plan', result)).toContain(result.code);
    const shown = await terraform(['show', '-json', file]);
    return { plan: parsePlan(shown.stdout), exitCode: result.code };
  }

  async function hashesOf(dir: string): Promise<Record<string, string>> {
    const hashes: Record<string, string> = {};
    for (const fn of FUNCTIONS) hashes[fn] = sha256(await readFile(path.join(dir, `${fn}.zip`)));
    return hashes;
  }

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'relay-tf-moto-'));
    const published = await publishModuleRepo(path.join(scratch, 'module-repo'));
    moduleArtifactsDir = path.join(published.moduleDir, 'artifacts');
    releaseHashes = await hashesOf(moduleArtifactsDir);
    distDir = path.join(scratch, 'dist');

    // The example's files in a root of their own, outside the repository; only the module source changes.
    exampleDir = path.join(scratch, 'root');
    const exampleSource = path.join(repoRoot, 'terraform', 'examples', 'complete');
    await mkdir(exampleDir);
    for (const file of (await readdir(exampleSource)).filter((f) => f.endsWith('.tf'))) {
      const text = await readFile(path.join(exampleSource, file), 'utf8');
      await writeFile(
        path.join(exampleDir, file),
        text.replace(/source\s*=\s*"\.\.\/\.\.\/"/, `source = "${published.source}"`),
      );
    }
    expect(await readFile(path.join(exampleDir, 'main.tf'), 'utf8')).toContain(published.source);

    moto = await startMoto();
    // moto cannot run Lambda code: the apply's validation invocation (config.tf) is turned off here.
    await writeFile(
      path.join(exampleDir, 'moto_override.tf'),
      `${providerOverride(moto.endpoint)}\nmodule "relay" {\n  validate_configuration = false\n}\n`,
    );
    env = await terraformEnv(path.join(scratch, 'terraformrc'), {
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PROFILE: undefined,
    });
  }, 600_000);

  afterAll(async () => {
    await moto?.stop();
    if (scratch !== '') await rm(scratch, { recursive: true, force: true });
  });

  it(
    'applies the complete example, its module from a git ref, with no build',
    { timeout: 600_000 },
    async () => {
      const init = await terraform(['init', '-input=false', '-no-color']);
      expect(init.stdout).toMatch(/Downloading git::file:\/\/.*\?ref=v0\.0\.0-test/);
      const apply = await terraform(['apply', '-auto-approve', '-input=false', '-no-color']);
      console.log(`terraform apply of examples/complete against moto took ${(apply.ms / 1000).toFixed(1)} s`);
      const shown = await terraform(['output', '-json']);
      outputs = OutputsSchema.parse(JSON.parse(shown.stdout));
    },
  );

  it('created the three functions as the runtime contract says', { timeout: 120_000 }, async () => {
    const lambda = new LambdaClient(aws());
    const expectedTimeout: Record<FunctionName, number> = { ingest: 10, hydrate: 30, deliver: 20 };
    for (const fn of FUNCTIONS) {
      const config: FunctionConfiguration = await lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: at(outputs.function_names.value, fn) }),
      );
      expect(config.FunctionName).toBe(`${NAME}-${fn}`);
      expect(config.Handler).toBe('index.handler');
      expect(config.Runtime).toBe('nodejs22.x');
      expect(config.Architectures).toEqual(['arm64']);
      expect(config.Timeout).toBe(expectedTimeout[fn]);
      expect(config.Role).toBe(at(outputs.role_arns.value, fn));
      // The release's prebuilt zip, shipped in the module directory.
      expect(config.CodeSha256).toBe(at(releaseHashes, fn));

      const variables = config.Environment?.Variables ?? {};
      expect(Object.keys(variables).sort()).toEqual([...COMMON_ENV, ...CONTRACT_ENV[fn]].sort());
      expect(variables.RELAY_CONFIG_PARAMETER).toBe(outputs.config_parameter_name.value);
      // The service dimension of the relay's metrics is the deployment's name (the alarms select on it).
      expect(variables.POWERTOOLS_SERVICE_NAME).toBe(NAME);
      expect(variables.POWERTOOLS_METRICS_NAMESPACE).toBe('KlaviyoWebhookRelay');
      // The queues' max_message_size, and the bucket that takes what is larger (the claim check).
      expect(variables.MAX_MESSAGE_BYTES).toBe('262144');
      expect(variables.CLAIM_CHECK_BUCKET).toBe(outputs.payload_bucket_name.value);
    }
    const variablesOf = async (fn: FunctionName) =>
      (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: `${NAME}-${fn}` }))).Environment
        ?.Variables ?? {};
    const ingest = await variablesOf('ingest');
    const hydrate = await variablesOf('hydrate');
    const deliver = await variablesOf('deliver');
    expect(ingest.DEDUPE_TABLE_NAME).toBe(outputs.dedupe_table_name.value);
    expect(ingest.HYDRATE_QUEUE_URL).toBe(at(outputs.queue_urls.value, 'hydrate'));
    expect(hydrate.HYDRATE_QUEUE_URL).toBe(at(outputs.queue_urls.value, 'hydrate'));
    expect(hydrate.HYDRATE_DLQ_URL).toBe(at(outputs.dlq_urls.value, 'hydrate'));
    expect(hydrate.DELIVER_QUEUE_URL).toBe(at(outputs.queue_urls.value, 'deliver'));
    expect(deliver.DELIVER_QUEUE_URL).toBe(at(outputs.queue_urls.value, 'deliver'));
    expect(deliver.DELIVER_DLQ_URL).toBe(at(outputs.dlq_urls.value, 'deliver'));
    // Family key → that family's queue (and DLQ): what hydrate routes by, and where deliver defers and dead-letters.
    const familyUrls = (urls: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(DELIVER_FAMILY_QUEUES).map(([family, queue]) => [family, at(urls, queue)]),
      );
    expect(JSON.parse(hydrate.DELIVER_QUEUE_URLS ?? 'null')).toEqual(familyUrls(outputs.queue_urls.value));
    expect(JSON.parse(deliver.DELIVER_QUEUE_URLS ?? 'null')).toEqual(familyUrls(outputs.queue_urls.value));
    expect(JSON.parse(deliver.DELIVER_DLQ_URLS ?? 'null')).toEqual(familyUrls(outputs.dlq_urls.value));
    expect(deliver.POWERTOOLS_LOG_LEVEL).toBe('WARN');
    // examples/complete's queues: each consumer knows its own queue's maxReceiveCount.
    expect(hydrate.MAX_RECEIVE_COUNT).toBe('5');
    expect(deliver.MAX_RECEIVE_COUNT).toBe('12');
  });

  it('wired each queue to its consumer with partial batch responses', { timeout: 120_000 }, async () => {
    const lambda = new LambdaClient(aws());
    // Listed by queue: moto filters FunctionName literally against what the mapping was created with (here
    // the function's ARN), where AWS would accept the name too.
    const all = (await lambda.send(new ListEventSourceMappingsCommand({}))).EventSourceMappings ?? [];
    expect(all).toHaveLength(QUEUES.length);
    expect(all.map((m) => m.FunctionArn)).not.toContain(at(outputs.function_arns.value, 'ingest'));
    for (const queue of QUEUES) {
      const listed = await lambda.send(
        new ListEventSourceMappingsCommand({ EventSourceArn: at(outputs.queue_arns.value, queue) }),
      );
      const mappings = listed.EventSourceMappings ?? [];
      expect(mappings).toHaveLength(1);
      const mapping = mappings[0];
      expect(mapping?.FunctionArn).toBe(at(outputs.function_arns.value, consumerOf(queue)));
      expect(mapping?.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      // examples/complete's deliver queue settings reach every deliver queue's mapping.
      if (consumerOf(queue) === 'deliver') expect(mapping?.BatchSize, queue).toBe(25);
      expect(mapping?.State).toBe('Enabled');
    }
  });

  it(
    'made queues with redrive, DLQs that keep messages longer, and visibility >= 6x timeout',
    { timeout: 120_000 },
    async () => {
      const sqs = new SQSClient(aws());
      const lambda = new LambdaClient(aws());
      for (const queue of QUEUES) {
        const attributes =
          (
            await sqs.send(
              new GetQueueAttributesCommand({
                QueueUrl: at(outputs.queue_urls.value, queue),
                AttributeNames: ['All'],
              }),
            )
          ).Attributes ?? {};
        const dlqAttributes =
          (
            await sqs.send(
              new GetQueueAttributesCommand({
                QueueUrl: at(outputs.dlq_urls.value, queue),
                AttributeNames: ['All'],
              }),
            )
          ).Attributes ?? {};

        const redrive = RedrivePolicySchema.parse(JSON.parse(attributes.RedrivePolicy ?? 'null'));
        expect(redrive.deadLetterTargetArn).toBe(at(outputs.dlq_arns.value, queue));
        expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(5);

        const allow = RedriveAllowPolicySchema.parse(JSON.parse(dlqAttributes.RedriveAllowPolicy ?? 'null'));
        expect(allow).toEqual({
          redrivePermission: 'byQueue',
          sourceQueueArns: [at(outputs.queue_arns.value, queue)],
        });

        const consumer = await lambda.send(
          new GetFunctionConfigurationCommand({
            FunctionName: at(outputs.function_names.value, consumerOf(queue)),
          }),
        );
        expect(Number(attributes.VisibilityTimeout)).toBeGreaterThanOrEqual(
          6 * (consumer.Timeout ?? Infinity),
        );
        expect(Number(dlqAttributes.MessageRetentionPeriod)).toBeGreaterThan(
          Number(attributes.MessageRetentionPeriod),
        );

        // The largest message AWS provider 5.x lets a queue take; larger bodies go through the claim check.
        expect(attributes.MaximumMessageSize).toBe('262144');
        expect(dlqAttributes.MaximumMessageSize).toBe('262144');

        // The complete example encrypts with its customer-managed key.
        expect(attributes.KmsMasterKeyId).toBe(outputs.kms_key_arn.value);
        expect(dlqAttributes.KmsMasterKeyId).toBe(outputs.kms_key_arn.value);
      }
    },
  );

  it('made the dedupe table with TTL on expires_at', { timeout: 120_000 }, async () => {
    const dynamodb = new DynamoDBClient(aws());
    const TableName = outputs.dedupe_table_name.value;
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName }));
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
    expect(Table?.AttributeDefinitions).toEqual([{ AttributeName: 'pk', AttributeType: 'S' }]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.SSEDescription?.Status).toBe('ENABLED');
    const ttl = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName }));
    expect(ttl.TimeToLiveDescription).toMatchObject({
      TimeToLiveStatus: 'ENABLED',
      AttributeName: 'expires_at',
    });
    const backups = await dynamodb.send(new DescribeContinuousBackupsCommand({ TableName }));
    expect(
      backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus,
    ).toBe('ENABLED');
  });

  it('routes POST /webhooks/{source} to ingest', { timeout: 120_000 }, async () => {
    const api = new ApiGatewayV2Client(aws());
    const ApiId = outputs.api_id.value;
    const routes = (await api.send(new GetRoutesCommand({ ApiId }))).Items ?? [];
    expect(routes.map((r) => r.RouteKey)).toEqual(['POST /webhooks/{source}']);
    const integrations = (await api.send(new GetIntegrationsCommand({ ApiId }))).Items ?? [];
    expect(integrations).toHaveLength(1);
    const integration = integrations[0];
    expect(routes[0]?.Target).toBe(`integrations/${integration?.IntegrationId ?? '?'}`);
    expect(integration?.IntegrationType).toBe('AWS_PROXY');
    expect(integration?.PayloadFormatVersion).toBe('2.0');
    expect(integration?.IntegrationUri).toContain(at(outputs.function_arns.value, 'ingest'));
    const stages = (await api.send(new GetStagesCommand({ ApiId }))).Items ?? [];
    expect(stages.map((s) => [s.StageName, s.AutoDeploy])).toEqual([['$default', true]]);
    expect(Object.keys(outputs.webhook_urls.value).sort()).toEqual(['demo', 'klaviyo', 'shopify', 'stripe']);
  });

  it(
    'gave each function a role that names its resources, and log groups with retention',
    { timeout: 120_000 },
    async () => {
      const iam = new IAMClient(aws());
      for (const fn of FUNCTIONS) {
        const RoleName = `${NAME}-${fn}`;
        const names = (await iam.send(new ListRolePoliciesCommand({ RoleName }))).PolicyNames ?? [];
        expect([...names].sort()).toEqual(['logs', 'runtime']);
        for (const PolicyName of names) {
          const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName, PolicyName }));
          const document = parsePolicyDocument(PolicyDocument ?? '');
          for (const statement of document.Statement) {
            const resources = ([] as string[]).concat(statement.Resource);
            expect(resources.length).toBeGreaterThan(0);
            expect(resources, `${RoleName}/${PolicyName}`).not.toContain('*');
          }
        }
      }
      const logs = new CloudWatchLogsClient(aws());
      const groups = (
        await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/lambda/${NAME}-` }))
      ).logGroups;
      const retention: Record<string, number | undefined> = {};
      for (const group of groups ?? []) retention[group.logGroupName ?? '?'] = group.retentionInDays;
      expect(retention).toEqual({
        [`/aws/lambda/${NAME}-ingest`]: 14,
        [`/aws/lambda/${NAME}-hydrate`]: 30,
        [`/aws/lambda/${NAME}-deliver`]: 30,
      });
    },
  );

  it(
    'made the payload bucket: private, owner-enforced, encrypted with the key, TLS only, expiring',
    { timeout: 120_000 },
    async () => {
      const s3 = new S3Client({ ...aws(), forcePathStyle: true });
      const Bucket = outputs.payload_bucket_name.value;
      expect(outputs.payload_bucket_arn.value).toBe(`arn:aws:s3:::${Bucket}`);

      const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket }));
      expect(block.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      const ownership = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket }));
      expect(ownership.OwnershipControls?.Rules?.map((r) => r.ObjectOwnership)).toEqual([
        'BucketOwnerEnforced',
      ]);

      const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket }));
      const [rule] = encryption.ServerSideEncryptionConfiguration?.Rules ?? [];
      expect(rule?.ApplyServerSideEncryptionByDefault).toMatchObject({
        SSEAlgorithm: 'aws:kms',
        KMSMasterKeyID: outputs.kms_key_arn.value,
      });

      const policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy ?? '{}') as {
        Statement?: { Effect?: string; Condition?: { Bool?: Record<string, unknown> } }[];
      };
      expect(policy.Statement).toEqual([
        expect.objectContaining({
          Effect: 'Deny',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      ]);

      // The example keeps messages 4 days and dead letters 14: a body lives 4 + 14 + 1 days.
      const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }));
      expect(lifecycle.Rules?.map((r) => ({ status: r.Status, days: r.Expiration?.Days }))).toEqual([
        { status: 'Enabled', days: 19 },
      ]);

      // Each function writes only under its own stage's prefix and reads only what the stage before it wrote.
      const iam = new IAMClient(aws());
      const s3Grants: Record<string, Record<string, string[]>> = {};
      for (const fn of FUNCTIONS) {
        const { PolicyDocument } = await iam.send(
          new GetRolePolicyCommand({ RoleName: `${NAME}-${fn}`, PolicyName: 'runtime' }),
        );
        const grants: Record<string, string[]> = {};
        for (const statement of parsePolicyDocument(PolicyDocument ?? '').Statement)
          for (const action of ([] as string[]).concat(statement.Action))
            if (action.startsWith('s3:'))
              grants[action] = [...(grants[action] ?? []), ...([] as string[]).concat(statement.Resource)];
        s3Grants[fn] = grants;
      }
      const arn = outputs.payload_bucket_arn.value;
      expect(s3Grants).toEqual({
        ingest: { 's3:PutObject': [`${arn}/ingest/*`] },
        // Each stage also reads its own prefix: its dead letters too large for the DLQ, when SQS redrives them.
        // hydrate also writes the archive (the example turns it on), under archive/ only.
        hydrate: {
          's3:GetObject': [`${arn}/ingest/*`, `${arn}/hydrate/*`],
          's3:PutObject': [`${arn}/hydrate/*`, `arn:aws:s3:::${outputs.archive_bucket_name.value}/archive/*`],
        },
        deliver: {
          's3:GetObject': [`${arn}/hydrate/*`, `${arn}/deliver/*`],
          's3:PutObject': [`${arn}/deliver/*`],
        },
      });
    },
  );

  it(
    'made the archive bucket: encrypted with the relay key, TLS only, expiring after its retention',
    { timeout: 120_000 },
    async () => {
      const s3 = new S3Client({ ...aws(), forcePathStyle: true });
      const Bucket = outputs.archive_bucket_name.value;
      const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket }));
      expect(
        encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault,
      ).toMatchObject({
        SSEAlgorithm: 'aws:kms',
        KMSMasterKeyID: outputs.kms_key_arn.value,
      });
      const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }));
      expect(
        lifecycle.Rules?.map((r) => ({
          status: r.Status,
          days: r.Expiration?.Days,
          prefix: r.Filter?.Prefix,
        })),
      ).toEqual([{ status: 'Enabled', days: 30, prefix: 'archive/' }]);
      const policy = (await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy ?? '';
      expect(policy).toContain('aws:SecureTransport');
    },
  );

  it('grants each function every AWS action its code calls', { timeout: 120_000 }, async () => {
    const iam = new IAMClient(aws());
    for (const fn of FUNCTIONS) {
      const { PolicyDocument } = await iam.send(
        new GetRolePolicyCommand({ RoleName: `${NAME}-${fn}`, PolicyName: 'runtime' }),
      );
      const granted = new Set(
        parsePolicyDocument(PolicyDocument ?? '')
          .Statement.filter((s) => s.Effect === 'Allow')
          .flatMap((s) => ([] as string[]).concat(s.Action)),
      );
      const { actions, unknownCommands } = await actionsCalledBy(fn);
      expect(unknownCommands, `${fn}: SDK commands without a known IAM action`).toEqual([]);
      expect(
        [...actions].filter((action) => !granted.has(action)),
        `${fn}: actions its code calls that its role does not grant`,
      ).toEqual([]);
    }
  });

  it('made the dashboard, showing every queue and DLQ', { timeout: 120_000 }, async () => {
    const cloudwatch = new CloudWatchClient(aws());
    const dashboard = await cloudwatch.send(new GetDashboardCommand({ DashboardName: `${NAME}-relay` }));
    const body = JSON.parse(dashboard.DashboardBody ?? '{}') as { widgets?: unknown[] };
    expect(body.widgets?.length).toBeGreaterThanOrEqual(10);
    for (const queue of QUEUES) {
      expect(dashboard.DashboardBody).toContain(`"${NAME}-${queue}"`);
      expect(dashboard.DashboardBody).toContain(`"${NAME}-${queue}-dlq"`);
    }
  });

  it('made the alarms, each notifying the example topic', { timeout: 120_000 }, async () => {
    const cloudwatch = new CloudWatchClient(aws());
    const alarms: MetricAlarm[] =
      (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: NAME }))).MetricAlarms ?? [];
    const byName = new Map(alarms.map((a) => [a.AlarmName ?? '?', a]));
    const expected = [
      ...FUNCTIONS.flatMap((fn) => [`${NAME}-${fn}-errors`, `${NAME}-${fn}-throttles`]),
      ...QUEUES.flatMap((q) => [`${NAME}-${q}-dlq-not-empty`, `${NAME}-${q}-oldest-message-age`]),
      `${NAME}-ingest-5xx-rate`,
      `${NAME}-klaviyo-auth-failed`,
      `${NAME}-hydrate-retries`,
      `${NAME}-klaviyo-server-errors`,
      `${NAME}-source-config-invalid`,
      `${NAME}-archive-failed`, // examples/complete keeps the archive
    ];
    expect([...byName.keys()].sort()).toEqual([...expected].sort());
    expect(Object.values(outputs.alarm_arns.value).sort()).toEqual(
      alarms.map((a) => a.AlarmArn ?? '?').sort(),
    );
    for (const alarm of alarms) {
      expect(alarm.AlarmActions, alarm.AlarmName).toEqual([outputs.alarm_topic_arn.value]);
      expect(alarm.OKActions, alarm.AlarmName).toEqual([outputs.alarm_topic_arn.value]);
    }

    const dimensionsOf = (name: string): Record<string, string | undefined> =>
      Object.fromEntries(
        (byName.get(name)?.Dimensions ?? []).map((d): [string, string | undefined] => [
          d.Name ?? '?',
          d.Value,
        ]),
      );
    for (const q of QUEUES) {
      expect(byName.get(`${NAME}-${q}-dlq-not-empty`)?.MetricName).toBe('ApproximateNumberOfMessagesVisible');
      expect(dimensionsOf(`${NAME}-${q}-dlq-not-empty`)).toEqual({ QueueName: `${NAME}-${q}-dlq` });
      expect(byName.get(`${NAME}-${q}-oldest-message-age`)?.Threshold).toBe(600);
      expect(dimensionsOf(`${NAME}-${q}-oldest-message-age`)).toEqual({ QueueName: `${NAME}-${q}` });
    }
    for (const fn of FUNCTIONS) {
      expect(dimensionsOf(`${NAME}-${fn}-errors`)).toEqual({ FunctionName: `${NAME}-${fn}` });
      expect(byName.get(`${NAME}-${fn}-throttles`)?.MetricName).toBe('Throttles');
    }
    // The relay's own metric, with the dimensions Powertools writes (service = the deployment's name).
    expect(byName.get(`${NAME}-klaviyo-auth-failed`)?.Namespace).toBe('KlaviyoWebhookRelay');
    expect(dimensionsOf(`${NAME}-klaviyo-auth-failed`)).toEqual({ service: NAME, function: 'deliver' });
    expect(byName.get(`${NAME}-hydrate-retries`)?.MetricName).toBe('retried');
    expect(dimensionsOf(`${NAME}-hydrate-retries`)).toEqual({ service: NAME, function: 'hydrate' });
    expect(byName.get(`${NAME}-klaviyo-server-errors`)?.MetricName).toBe('klaviyo_server_errors');
    expect(dimensionsOf(`${NAME}-klaviyo-server-errors`)).toEqual({ service: NAME, function: 'deliver' });
    // The 5xx share is metric math over the API's 5xx and Count.
    const queries = byName.get(`${NAME}-ingest-5xx-rate`)?.Metrics ?? [];
    expect(queries.map((q) => q.MetricStat?.Metric?.MetricName ?? q.Expression).sort()).toEqual(
      ['5xx', 'Count', 'IF(requests >= 20, 100 * errors / requests, 0)'].sort(),
    );
  });

  it('wrote a configuration document that the functions accept', { timeout: 120_000 }, async () => {
    const ssm = new SSMClient(aws());
    const Name = outputs.config_parameter_name.value;
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name, WithDecryption: true }));
    expect(Parameter?.Type).toBe('SecureString');
    // Split per source: each source's part is a SecureString of its own under <name>/sources/.
    const parts = await ssm.send(
      new GetParametersByPathCommand({ Path: `${Name}/sources`, WithDecryption: true }),
    );
    expect((parts.Parameters ?? []).map((p) => [p.Name, p.Type]).sort()).toEqual(
      ['demo', 'klaviyo', 'shopify', 'stripe'].map((s) => [`${Name}/sources/${s}`, 'SecureString']),
    );
    const config = parseRelayConfig(await readSsmDocument(ssmReader(), Name), `ssm:${Name}`);
    expect(Object.keys(config.sources).sort()).toEqual(['demo', 'klaviyo', 'shopify', 'stripe']);
    expect(config.sources.shopify?.kind).toBe('shopify');
    expect(config.sources.demo?.kind).toBe('generic-hmac');
    expect(config.sources.demo?.hydration?.steps.map((s) => s.name)).toEqual(['customer', 'address']);
    expect(config.klaviyo.api_key).toEqual({ ssm: `/${NAME}/klaviyo/api-key` });
    expect(config.klaviyo.revision).toBe('2026-07-15');
    expect(config.ingest.dedupe_ttl_seconds).toBe(7 * 86_400);
  });

  it(
    'plans no changes on a second plan (beyond proven emulator differences)',
    { timeout: 300_000 },
    async () => {
      // Prove the emulator's behaviour before allowing for it.
      const lambda = new LambdaClient(aws());
      const sqs = new SQSClient(aws());
      const lambdaDropsKmsKey = (
        await Promise.all(
          FUNCTIONS.map((fn) =>
            lambda.send(new GetFunctionConfigurationCommand({ FunctionName: `${NAME}-${fn}` })),
          ),
        )
      ).every((c) => c.KMSKeyArn === undefined || c.KMSKeyArn === '');
      const redrive = (
        await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: at(outputs.queue_urls.value, 'hydrate'),
            AttributeNames: ['RedrivePolicy'],
          }),
        )
      ).Attributes?.RedrivePolicy;
      const sqsReformatsRedrive = redrive !== undefined && redrive !== JSON.stringify(JSON.parse(redrive));

      quirks = [];
      if (lambdaDropsKmsKey) {
        quirks.push({
          resourceType: 'aws_lambda_function',
          attribute: 'kms_key_arn',
          matches: (before, after) => (before ?? '') === '' && after === outputs.kms_key_arn.value,
        });
      }
      if (sqsReformatsRedrive) {
        quirks.push({
          resourceType: 'aws_sqs_queue',
          attribute: 'redrive_policy',
          matches: (before, after) =>
            typeof before === 'string' &&
            typeof after === 'string' &&
            JSON.stringify(JSON.parse(before)) === JSON.stringify(JSON.parse(after)),
        });
      }
      console.log(
        `moto differences proven and allowed: ${quirks.map((q) => `${q.resourceType}.${q.attribute}`).join(', ') || 'none'}`,
      );

      const { plan, exitCode } = await savedPlan(path.join(scratch, 'second.tfplan'));
      expect(unexplainedChanges(plan, quirks)).toEqual([]);
      if (quirks.length === 0) expect(exitCode).toBe(0);
    },
  );

  it(
    'switches to a fresh build of the same code without a code change, then plans nothing',
    { timeout: 600_000 },
    async () => {
      // npm run build, and artifacts_dir pointed at it, as docs/operations.md shows for building your own.
      await build({ outDir: distDir });
      expect(await hashesOf(distDir), 'the prebuilt zips must be what the build gives').toEqual(
        releaseHashes,
      );
      const ownBuild = [`-var=artifacts_dir=${distDir}`];
      // Only where the zips come from changes (filename); the code's hash stays the same.
      const { plan: switched } = await savedPlan(path.join(scratch, 'switched.tfplan'), ownBuild);
      for (const fn of FUNCTIONS) {
        const address = `module.relay.module.function["${fn}"].aws_lambda_function.this`;
        const change = changeOf(switched, address);
        if (change === undefined) throw new Error(`the plan does not mention the ${fn} function`);
        expect(changedAttributes(change).filter((a) => a !== 'kms_key_arn')).toEqual([
          'filename',
          'last_modified',
        ]);
      }
      await terraform(['apply', '-auto-approve', '-input=false', '-no-color', ...ownBuild]);

      // Rebuilding unchanged code gives the same bytes, so the next plan changes no function.
      await build({ outDir: distDir });
      const { plan } = await savedPlan(path.join(scratch, 'rebuilt.tfplan'), ownBuild);
      expect(unexplainedChanges(plan, quirks)).toEqual([]);
      for (const fn of FUNCTIONS) {
        const change = changeOf(plan, `module.relay.module.function["${fn}"].aws_lambda_function.this`);
        if (change === undefined) throw new Error(`the plan does not mention the ${fn} function`);
        expect(changedAttributes(change)).not.toContain('source_code_hash');
      }
    },
  );

  it(
    'plans an update of the hydrate function alone when only its zip changes',
    { timeout: 300_000 },
    async () => {
      const zipPath = path.join(distDir, 'hydrate.zip');
      const changed = withZipComment(await readFile(zipPath), 'rebuilt with a change');
      await writeFile(zipPath, changed);
      expect(sha256(changed)).not.toBe(releaseHashes.hydrate);

      const { plan, exitCode } = await savedPlan(path.join(scratch, 'hydrate-changed.tfplan'), [
        `-var=artifacts_dir=${distDir}`,
      ]);
      expect(exitCode).toBe(2);
      const hydrate = changeOf(plan, 'module.relay.module.function["hydrate"].aws_lambda_function.this');
      expect(hydrate?.change.actions).toEqual(['update']);
      expect(hydrate?.change.after?.source_code_hash).toBe(sha256(changed));
      expect(hydrate?.change.before?.source_code_hash).toBe(releaseHashes.hydrate);

      // Nothing else changes: the other functions keep their code, and every other difference in the plan is
      // a proven emulator difference.
      const functionsWithNewCode = effectiveChanges(plan)
        .filter(
          (rc) => rc.type === 'aws_lambda_function' && changedAttributes(rc).includes('source_code_hash'),
        )
        .map((rc) => rc.address);
      expect(functionsWithNewCode).toEqual([
        'module.relay.module.function["hydrate"].aws_lambda_function.this',
      ]);
      const others = unexplainedChanges(plan, quirks).filter(
        (line) => !line.startsWith(hydrate?.address ?? '?'),
      );
      expect(others).toEqual([]);
    },
  );

  // The operator's CLI (cli/relay.ts) against the deployment, as an operator runs it: `terraform output -json >
  // stack.json`, then commands with --stack and the standard credential chain (here moto's endpoint and test
  // keys). moto cannot run Lambda code, so the functions run as Lambda would run them
  // (scripts/local-aws/deployed-function.ts, which `npm run deploy:local` runs too). What that needs is set aside
  // (scripts/local-aws/set-aside.ts: the event source mappings disabled, here the test polls the queues as the
  // mappings would; the buckets' TLS-only policies lifted, moto speaking plain HTTP) and put back before destroy.
  describe('the relay CLI against the deployment', () => {
    const ids = { first: randomUUID(), second: randomUUID(), third: randomUUID() };
    const allIds = Object.values(ids);
    let stackFile = '';
    let ingest: DeployedFunction | undefined;
    let hydrate: DeployedFunction | undefined;
    const deployed = (fn: DeployedFunction | undefined) => {
      if (!fn) throw new Error('the function is not running');
      return fn;
    };
    const queueOf = (stage: (typeof QUEUES)[number]) => ({
      url: at(outputs.queue_urls.value, stage),
      arn: at(outputs.queue_arns.value, stage),
    });
    const relay = async <T = Record<string, unknown>>(...args: string[]): Promise<T> => {
      const { stdout } = await runRelay([...args, '--stack', stackFile, '--json'], {
        AWS_ENDPOINT_URL: aws().endpoint,
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_EC2_METADATA_DISABLED: 'true',
      });
      return JSON.parse(stdout) as T;
    };
    const depth = async (queueUrl: string) => {
      const { waiting, inFlight } = await queueCounts(new SQSClient(aws()), queueUrl);
      return waiting + inFlight;
    };
    /** Receives every message of a queue without hiding it (visibility 0): a receive, so it counts. */
    const receiveAll = async (queueUrl: string) => {
      const sqs = new SQSClient(aws());
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
      );
      return Messages;
    };

    const buckets = () => [outputs.archive_bucket_name.value, outputs.payload_bucket_name.value];
    let setAside: SetAside | undefined;

    beforeAll(async () => {
      const lambda = new LambdaClient(aws());
      setAside = await setAsideForLocalFunctions({
        lambda,
        s3: new S3Client({ ...aws(), forcePathStyle: true }),
        buckets: buckets(),
      });
      expect(
        setAside.mappings,
        'every mapping disabled: hydrate, deliver and each family queue',
      ).toHaveLength(QUEUES.length);
      expect([...setAside.buckets].sort(), 'both TLS-only policies lifted').toEqual([...buckets()].sort());

      stackFile = path.join(scratch, 'stack.json');
      await writeFile(stackFile, (await terraform(['output', '-json'])).stdout);

      const start = (fn: FunctionName) =>
        startDeployedFunction({
          lambda,
          logs: new CloudWatchLogsClient(aws()),
          functionName: at(outputs.function_names.value, fn),
          zipFile: path.join(moduleArtifactsDir, `${fn}.zip`),
          taskRoot: path.join(scratch, 'task', fn),
          endpoint: aws().endpoint,
          region: REGION,
        });
      ingest = await start('ingest');
      hydrate = await start('hydrate');
    }, 120_000);

    afterAll(async () => {
      await ingest?.stop();
      await hydrate?.stop();
      await setAside?.restore();
    });

    it(
      "ingest accepts a signed Klaviyo batch; trace finds an event's record, its message and ingest's log line",
      { timeout: 120_000 },
      async () => {
        const text = await readSsmDocument(ssmReader(), outputs.config_parameter_name.value);
        const source = parseRelayConfig(text, 'ssm').sources.klaviyo;
        if (!source) throw new Error('the complete example has no klaviyo source');
        const body = Buffer.from(
          JSON.stringify({
            data: allIds.map((id, i) => ({
              external_id: id,
              topic: 'event:klaviyo.opened_email',
              // As Klaviyo sends them: the profile named by its Klaviyo id alone.
              payload: {
                data: {
                  type: 'event',
                  id,
                  attributes: { timestamp: 1_764_756_000 + i, event_properties: { Note: 'é ✓ 𝄞' } },
                  relationships: { profile: { data: { type: 'profile', id: `01KPROFILE${i}` } } },
                },
              },
            })),
            meta: { klaviyo_webhook_id: 'wh-moto', klaviyo_account_id: 'abc123' },
          }),
        );
        // The example's secrets are placeholders (REPLACE_ME) until their real values are put in.
        const headers = signedHeaders(source, body, 'REPLACE_ME');
        const answer = (await deployed(ingest).container.invoke(
          httpEvent({ source: 'klaviyo', body, headers }),
        )) as { statusCode: number };
        expect(answer.statusCode).toBe(202);
        expect(await depth(queueOf('hydrate').url)).toBe(3);
        expect(await deployed(ingest).shipLogs()).toBeGreaterThan(0);

        const trace = await relay<Trace>('trace', 'klaviyo', ids.second, '--live-queues');
        expect(trace).toMatchObject({
          correlation_id: `klaviyo:${ids.second}`,
          verdict: 'waiting in the hydrate queue',
          dedupe: { state: 'done' },
          logs: { origin: 'cloudwatch' },
        });
        expect(trace.queues).toContainEqual(
          expect.objectContaining({ stage: 'hydrate', kind: 'queue', hits: [expect.anything()] }),
        );
        // Ingest logs the batch once, with every event's id; the trace shows that line, and no other webhook's.
        expect(trace.logs.lines.map((l) => l.function)).toEqual(['ingest']);
        expect(trace.logs.lines[0]?.outcome).toBe('accepted');
      },
    );

    it(
      'hydrate archives the batch and passes three events to deliver; trace shows both stages',
      { timeout: 120_000 },
      async () => {
        const polled = await pollOnce(deployed(hydrate), new SQSClient(aws()), queueOf('hydrate'));
        expect(polled, deployed(hydrate).container.output()).toEqual({
          received: 3,
          succeeded: 3,
          failed: 0,
        });
        expect(await depth(queueOf('hydrate').url)).toBe(0);
        expect(await depth(queueOf('deliver').url), deployed(hydrate).container.output()).toBe(3);
        await deployed(hydrate).shipLogs();

        const trace = await relay<Trace>('trace', 'klaviyo', ids.first);
        expect(new Set(trace.logs.lines.map((l) => l.function))).toEqual(new Set(['ingest', 'hydrate']));
        // One DLQ peeked per queue of the stack: hydrate and deliver first, then each deliver family's.
        expect(trace.queues.map((q) => q.kind)).toEqual(Array(7).fill('dlq'));
        expect(trace.queues.map((q) => q.queue)).toEqual([
          'hydrate',
          'deliver',
          'deliver-back-in-stock',
          'deliver-catalog',
          'deliver-consent',
          'deliver-profiles',
          'deliver-records',
        ]);
      },
    );

    it('replay re-feeds the archived batch to hydrate as backfill', { timeout: 120_000 }, async () => {
      const dry = await relay('replay', '--source', 'klaviyo', '--from', '1h', '--dry-run');
      expect(dry).toMatchObject({ dry_run: true, matched: 3, replayed: 0, invalid_lines: 0 });
      expect(dry.objects).toBeGreaterThanOrEqual(1);
      expect(await depth(queueOf('hydrate').url)).toBe(0);

      const replayed = await relay('replay', '--source', 'klaviyo', '--from', '1h');
      expect(replayed).toMatchObject({ backfill: true, matched: 3, replayed: 3, failed: 0 });
      const bodies = (await receiveAll(queueOf('hydrate').url)).map(
        (m) => JSON.parse(m.Body ?? '') as Record<string, unknown>,
      );
      expect(bodies.map((b) => b.correlation_id).sort()).toEqual(allIds.map((id) => `klaviyo:${id}`).sort());
      expect(bodies.every((b) => b.backfill === true)).toBe(true);
    });

    it(
      'dlq lists, shows and redrives letters a stage wrote and messages SQS moved; trace sees them there',
      { timeout: 180_000 },
      async () => {
        const hydrateQueue = queueOf('hydrate');
        const hydrateDlq = at(outputs.dlq_urls.value, 'hydrate');
        // The replayed messages run out of receives (maxReceiveCount 5): SQS moves them to the DLQ as they are.
        for (let i = 0; i < 10 && (await depth(hydrateQueue.url)) > 0; i++)
          await receiveAll(hydrateQueue.url);
        expect(await depth(hydrateDlq)).toBe(3);
        // A message that breaks the contract: hydrate writes its own dead letter for it.
        await new SQSClient(aws()).send(
          new SendMessageCommand({ QueueUrl: hydrateQueue.url, MessageBody: '{"type":"webhook.received"}' }),
        );
        expect(await pollOnce(deployed(hydrate), new SQSClient(aws()), hydrateQueue)).toEqual({
          received: 1,
          succeeded: 1,
          failed: 0,
        });
        expect(await depth(hydrateDlq)).toBe(4);

        const listed = await relay<{ total: number; reasons: { reason: string; count: number }[] }>(
          'dlq',
          'list',
          'hydrate',
        );
        expect(listed.total).toBe(4);
        expect(listed.reasons).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ reason: 'moved_by_sqs', count: 3, sources: ['klaviyo'] }),
            expect.objectContaining({ reason: 'contract_violation', count: 1 }),
          ]),
        );
        expect(await depth(hydrateDlq)).toBe(4); // reading took nothing out

        const trace = await relay<Trace>('trace', 'klaviyo', ids.third, '--no-logs');
        expect(trace.verdict).toBe('dead-lettered in hydrate: moved_by_sqs');
        const shown = await relay('dlq', 'show', 'hydrate', `klaviyo:${ids.third}`);
        expect(shown).toMatchObject({
          correlation_id: `klaviyo:${ids.third}`,
          reason: 'moved_by_sqs',
          original: { type: 'webhook.received', delivery_id: ids.third, backfill: true },
        });

        const dry = await relay('dlq', 'redrive', 'hydrate', '--reason', 'moved_by_sqs', '--dry-run');
        expect(dry).toMatchObject({ dry_run: true, matched: 3, redriven: 0 });
        expect(await depth(hydrateDlq)).toBe(4);

        // No consumer runs here (the test invokes hydrate by hand), so the redrive does not wait for one.
        const redriven = await relay(
          'dlq',
          'redrive',
          'hydrate',
          '--reason',
          'moved_by_sqs',
          '--source',
          'klaviyo',
          '--wait',
          '0s',
        );
        expect(redriven).toMatchObject({ matched: 3, redriven: 3, failed: 0, skipped: 1 });
        expect(await depth(hydrateDlq)).toBe(1);
        expect(await depth(hydrateQueue.url)).toBe(3);

        // Hydrate takes the redriven messages as the originals they are: three more events for deliver, backfill.
        expect(await pollOnce(deployed(hydrate), new SQSClient(aws()), hydrateQueue)).toEqual({
          received: 3,
          succeeded: 3,
          failed: 0,
        });
        const events = (await receiveAll(queueOf('deliver').url)).map(
          (m) => JSON.parse(m.Body ?? '') as Record<string, unknown>,
        );
        expect(events).toHaveLength(6);
        expect(events.filter((e) => e.backfill === true)).toHaveLength(3);
        // The example maps each event's time from Klaviyo's own timestamp.
        expect(new Set(events.map((e) => e.time))).toEqual(
          new Set([0, 1, 2].map((i) => new Date((1_764_756_000 + i) * 1000).toISOString())),
        );
        expect((await relay<{ total: number }>('dlq', 'list', 'hydrate')).total).toBe(1);
      },
    );

    it(
      "deploy:local's runner: a webhook to its endpoint goes through ingest and, by hydrate's mapping, hydrate",
      { timeout: 120_000 },
      async () => {
        const lambda = new LambdaClient(aws());
        const sqs = new SQSClient(aws());
        // The queues come from the mappings moto holds; deliver is left out so that the event stays to be seen.
        const queues = await eventSourceQueues(lambda, sqs);
        expect(queues.map((q) => q.queueUrl).sort()).toEqual(QUEUES.map((q) => queueOf(q).url).sort());
        const problems: string[] = [];
        const runner = await startFunctionRunner({
          sqs,
          ingest: deployed(ingest),
          functions: [deployed(hydrate)],
          queues: queues.filter((q) => q.functionName === deployed(hydrate).name),
          port: 0,
          waitTimeSeconds: 1,
          logIntervalMs: 200,
          report: (message) => problems.push(message),
        });
        try {
          const id = randomUUID();
          const text = await readSsmDocument(ssmReader(), outputs.config_parameter_name.value);
          const source = parseRelayConfig(text, 'ssm').sources.klaviyo;
          if (!source) throw new Error('the complete example has no klaviyo source');
          const body = Buffer.from(
            JSON.stringify({
              data: [
                {
                  external_id: id,
                  topic: 'event:klaviyo.opened_email',
                  payload: {
                    data: {
                      type: 'event',
                      id,
                      attributes: { timestamp: 1_764_756_100, event_properties: {} },
                      relationships: { profile: { data: { type: 'profile', id: '01KPROFILE9' } } },
                    },
                  },
                },
              ],
              meta: { klaviyo_webhook_id: 'wh-moto', klaviyo_account_id: 'abc123' },
            }),
          );
          const answer = await fetch(`${runner.webhookBaseUrl}/klaviyo`, {
            method: 'POST',
            headers: signedHeaders(source, body, 'REPLACE_ME'),
            body,
          });
          expect(answer.status, await answer.clone().text()).toBe(202);
          const trace = await waitFor(
            'the webhook to pass hydrate, with both stages logged',
            async () => {
              const t = await relay<Trace>('trace', 'klaviyo', id, '--live-queues');
              const logged = new Set(t.logs.lines.map((l) => l.function));
              return t.verdict === 'waiting in the deliver queue' && logged.has('hydrate') ? t : undefined;
            },
            { timeoutMs: 60_000, intervalMs: 1_000 },
          );
          expect(new Set(trace.logs.lines.map((l) => l.function))).toEqual(new Set(['ingest', 'hydrate']));
          expect(problems).toEqual([]);
        } finally {
          await runner.stop();
        }
      },
    );

    it(
      'the console serves the deployment: every queue on Overview, its dead letters, the archived webhooks',
      { timeout: 120_000 },
      async () => {
        // As an operator runs it: the CLI's `console` command on the stack file, with the deployment's credentials.
        const child = spawn(
          process.execPath,
          [
            '--disable-warning=ExperimentalWarning',
            '--import',
            'tsx',
            'cli/relay.ts',
            'console',
            '--stack',
            stackFile,
            '--port',
            '0',
            '--no-open',
          ],
          {
            env: {
              ...process.env,
              AWS_ENDPOINT_URL: aws().endpoint,
              AWS_REGION: REGION,
              AWS_ACCESS_KEY_ID: 'test',
              AWS_SECRET_ACCESS_KEY: 'test',
              AWS_EC2_METADATA_DISABLED: 'true',
            },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        try {
          const url = await waitFor('the console URL', () => /Console: (\S+)/.exec(output)?.[1], {
            timeoutMs: 60_000,
          });
          const entry = await fetch(url, { redirect: 'manual' });
          expect(entry.status, output).toBe(303);
          const cookie = (entry.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
          const page = async (pathname: string) => {
            const answer = await fetch(new URL(pathname, url), { headers: { cookie } });
            const text = await answer.text();
            expect(answer.status, `${pathname}: ${text.slice(0, 500)}`).toBe(200);
            return text;
          };
          const overview = await page('/');
          for (const queue of QUEUES) expect(overview).toContain(`${queue} DLQ`);
          // The hydrate letter the CLI tests above left (dlq list hydrate: 1) is listed under its queue.
          const deadLetters = await page('/dead-letters');
          expect(deadLetters).toMatch(/href="\/dead-letters\/hydrate\/[^"]+"/);
          // The webhooks the functions archived to the deployment's bucket, the klaviyo source's among them.
          expect(await page('/webhooks')).toContain('klaviyo');
        } finally {
          child.kill('SIGINT');
        }
      },
    );
  });

  it('destroys everything it created', { timeout: 600_000 }, async () => {
    const destroy = await terraform(['destroy', '-auto-approve', '-input=false', '-no-color']);
    console.log(`terraform destroy against moto took ${(destroy.ms / 1000).toFixed(1)} s`);

    const lambda = new LambdaClient(aws());
    const functions = (await lambda.send(new ListFunctionsCommand({}))).Functions ?? [];
    expect(functions.map((f) => f.FunctionName).filter((n) => n?.startsWith(NAME))).toEqual([]);
    const mappings = (await lambda.send(new ListEventSourceMappingsCommand({}))).EventSourceMappings ?? [];
    expect(mappings).toEqual([]);

    const sqs = new SQSClient(aws());
    const queues = (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: NAME }))).QueueUrls ?? [];
    expect(queues).toEqual([]);

    const dynamodb = new DynamoDBClient(aws());
    const tables = (await dynamodb.send(new ListTablesCommand({}))).TableNames ?? [];
    expect(tables.filter((t) => t.startsWith(NAME))).toEqual([]);

    const s3 = new S3Client({ ...aws(), forcePathStyle: true });
    const buckets = (await s3.send(new ListBucketsCommand({}))).Buckets ?? [];
    expect(buckets.map((b) => b.Name).filter((n) => n?.startsWith(NAME))).toEqual([]);

    const ssm = new SSMClient(aws());
    const parameters = (await ssm.send(new GetParametersByPathCommand({ Path: `/${NAME}`, Recursive: true })))
      .Parameters;
    expect(parameters ?? []).toEqual([]);

    const iam = new IAMClient(aws());
    const roles = (await iam.send(new ListRolesCommand({}))).Roles ?? [];
    expect(roles.map((r) => r.RoleName).filter((n) => n?.startsWith(NAME))).toEqual([]);

    const api = new ApiGatewayV2Client(aws());
    const apis = (await api.send(new GetApisCommand({}))).Items ?? [];
    expect(apis.map((a) => a.Name).filter((n) => n === NAME)).toEqual([]);

    const cloudwatch = new CloudWatchClient(aws());
    const alarms = (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: NAME }))).MetricAlarms;
    expect(alarms ?? []).toEqual([]);

    const sns = new SNSClient(aws());
    const topics = (await sns.send(new ListTopicsCommand({}))).Topics ?? [];
    expect(topics.map((t) => t.TopicArn).filter((arn) => arn?.includes(NAME))).toEqual([]);
  });
});
