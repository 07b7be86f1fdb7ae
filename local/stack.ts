// Local mode: the three real handlers in one process, wired as in AWS — the API Gateway stand-in in
// front of ingest, DynamoDB and SQS emulators, pollers with the event source mapping's semantics in
// front of hydrate and of each family's deliver queue — plus the demo source API and, unless a real Klaviyo is named, the
// Klaviyo mock. `npm start` and the end-to-end tests both run this.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RelayConfig } from '../functions/shared/config/relay-config.ts';
import { createDeliverHandler } from '../functions/deliver/handler.ts';
import { createHydrateHandler } from '../functions/hydrate/handler.ts';
import { createIngestHandler } from '../functions/ingest/handler.ts';
import { LOCAL_MODE_VARIABLE } from '../functions/shared/secrets.ts';
import { startApiGateway, type HttpLambda } from './api-gateway.ts';
import { readLocalConfig } from '../operations/config-file.ts';
import { DEV_SECRETS } from '../operations/dev-secrets.ts';
import { queueCounts } from '../operations/queue-counts.ts';
import { relayStatus } from './relay-status.ts';
import { startDemoSourceApi } from './demo-source-api.ts';
import { deliverFamilyUrls, MAX_MESSAGE_BYTES, startLocalAws, type LocalAws } from './emulators.ts';
import { startKlaviyoMock, type KlaviyoMock, type KlaviyoMockOptions } from './klaviyo-mock/index.ts';
import { klaviyoDestination, type KlaviyoDestination } from './klaviyo-destination.ts';
import { startPoller } from './sqs/poller.ts';

/** Local mode's status endpoint, beside the webhook route. */
export const STATUS_PATH = '/_relay/status';

const MOCK_API_KEY = 'pk_local_mock_key';

export interface LocalStackOptions {
  /** Configuration document with `${VAR}` placeholders; default config/local.json. */
  configFile?: string;
  /** Port of the webhook endpoint; 0 picks a free one. */
  port?: number;
  /** Port of the demo source API; default 0, a free one (npm start fixes it: ./local-ports.ts). */
  demoApiPort?: number;
  /** Where secrets and placeholders come from; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** A real (or any Klaviyo-compatible) API; when absent, the Klaviyo mock is started. */
  klaviyo?: { baseUrl: string; apiKey: string };
  klaviyoMock?: Omit<KlaviyoMockOptions, 'apiKey'>;
  /** Both queues' maxReceiveCount; default the module's (5 for hydrate, 10 for deliver). */
  maxReceiveCount?: number;
  visibilityTimeoutSeconds?: number;
  /** How deliver runs: pollers stand for concurrent instances (the mapping's maximum concurrency). */
  deliver?: DeliverRuntimeOptions;
  /** The archive's folder (the module's archive bucket, locally); without it, nothing is archived. */
  archiveDir?: string;
  /** How hydrate runs: each poller is a concurrent instance (in AWS, hydrate scales out unless capped); default 1. */
  hydrate?: { pollers?: number };
}

export interface DeliverRuntimeOptions {
  /**
   * Concurrent pollers on each deliver queue (one per family); default 1. Each queue's mapping scales on its own
   * in AWS, so this is per queue, like the mapping's maximum concurrency.
   */
  pollers?: number;
  /** The mapping's batch size; default 10. Over 10 needs maxBatchingWindowMs ≥ 1000. */
  batchSize?: number;
  maxBatchingWindowMs?: number;
  /** The function's timeout; default 30000. */
  timeoutMs?: number;
  /** Seconds before a retry without Retry-After, by failed attempt (tests shorten the 10 s default). */
  backoff?: (receiveCount: number) => number;
}

export interface LocalStack {
  webhookUrl(source: string): string;
  /** The configuration document as the functions read it (placeholders filled): the module's `config_document`. */
  configDocument: string;
  /** The archive's folder, when archiving (`relay replay` reads it). */
  archiveDir?: string;
  /** `GET` it for the queues, the DLQs by reason and the counters (local/relay-status.ts). */
  statusUrl: string;
  /** The API Gateway stand-in's base URL (the module's `api_endpoint`). */
  apiEndpoint: string;
  config: RelayConfig;
  /** The values handlers read secrets from (env references). */
  env: Readonly<Record<string, string | undefined>>;
  aws: LocalAws;
  /** Where deliver sends events: the mock, a server on this machine, or off it (./klaviyo-destination.ts). */
  klaviyoDestination: KlaviyoDestination;
  /** Runs when (and only when) it is the destination. */
  klaviyoMock?: KlaviyoMock;
  klaviyoBaseUrl: string;
  /** Webhook secrets made up for this run instead of DEV_SECRETS, because events leave this machine. */
  generatedSecrets: Record<string, string>;
  demoApiUrl: string;
  /** True when no message waits, is delayed or is in flight in any stage's queue (every deliver queue). */
  drained(): Promise<boolean>;
  stop(): Promise<void>;
}

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const baseEnv = options.env ?? process.env;
    const demoApiToken = baseEnv.DEMO_API_TOKEN ?? randomBytes(16).toString('hex');
    const demoApi = await startDemoSourceApi({ token: demoApiToken, port: options.demoApiPort ?? 0 });
    cleanups.push(() => demoApi.close());

    let klaviyoMock: KlaviyoMock | undefined;
    let klaviyo = options.klaviyo;
    if (!klaviyo) {
      klaviyoMock = await startKlaviyoMock({ ...options.klaviyoMock, apiKey: MOCK_API_KEY });
      const mock = klaviyoMock;
      cleanups.push(() => mock.close());
      klaviyo = { baseUrl: mock.url, apiKey: MOCK_API_KEY };
    }

    const envWith = (
      webhookSecrets: Readonly<Record<string, string>>,
    ): Record<string, string | undefined> => ({
      ...webhookSecrets,
      ...baseEnv,
      DEMO_API_TOKEN: demoApiToken,
      DEMO_API_URL: demoApi.url,
      KLAVIYO_API_KEY: klaviyo.apiKey,
      KLAVIYO_BASE_URL: klaviyo.baseUrl,
    });
    const configFile = options.configFile ?? path.join(repoRoot, 'config', 'local.json');
    let env = envWith(DEV_SECRETS);
    let { config, text } = await readLocalConfig(configFile, env);
    // The configuration, not what was started, decides where deliver sends (./klaviyo-destination.ts).
    const destination = klaviyoDestination(
      config.klaviyo,
      env,
      klaviyoMock && { url: klaviyoMock.url, apiKey: MOCK_API_KEY },
    );
    if (klaviyoMock && destination.kind !== 'mock') {
      await klaviyoMock.close();
      klaviyoMock = undefined;
    }
    const generatedSecrets: Record<string, string> = {};
    if (destination.kind === 'remote') {
      for (const name of Object.keys(DEV_SECRETS))
        if (!baseEnv[name]) generatedSecrets[name] = randomBytes(24).toString('base64url');
      env = envWith(generatedSecrets);
      ({ config, text } = await readLocalConfig(configFile, env));
    }
    const dir = await mkdtemp(path.join(tmpdir(), 'klaviyo-relay-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const resolvedConfig = path.join(dir, 'relay.config.json');
    await writeFile(resolvedConfig, text);

    const awsOptions: { maxReceiveCount?: number; visibilityTimeoutSeconds?: number } = {};
    if (options.maxReceiveCount !== undefined) awsOptions.maxReceiveCount = options.maxReceiveCount;
    if (options.visibilityTimeoutSeconds !== undefined)
      awsOptions.visibilityTimeoutSeconds = options.visibilityTimeoutSeconds;
    const aws = await startLocalAws(awsOptions);
    cleanups.push(() => aws.close());

    // The same variables Terraform sets on the functions (docs/runtime-contract.md).
    const handlerEnv: NodeJS.ProcessEnv = {
      ...env,
      // Lets the handlers read `{ "env": … }` secret references, which they refuse anywhere else.
      [LOCAL_MODE_VARIABLE]: '1',
      RELAY_CONFIG_FILE: resolvedConfig,
      DEDUPE_TABLE_NAME: aws.tableName,
      HYDRATE_QUEUE_URL: aws.hydrate.url,
      HYDRATE_DLQ_URL: aws.hydrate.dlqUrl,
      DELIVER_QUEUE_URL: aws.deliver.url,
      DELIVER_DLQ_URL: aws.deliver.dlqUrl,
      ...deliverFamilyUrls(aws),
      CLAIM_CHECK_BUCKET: aws.payloadBucket,
      MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
    };
    const ingest = createIngestHandler({ env: handlerEnv, sqs: aws.sqs, s3: aws.s3, dynamodb: aws.dynamodb });
    // Each consumer learns its own queue's maxReceiveCount, as the module's MAX_RECEIVE_COUNT tells it.
    const hydrateInstance = () =>
      createHydrateHandler({
        env: {
          ...handlerEnv,
          MAX_RECEIVE_COUNT: String(aws.hydrate.maxReceiveCount),
          ...(options.archiveDir && { ARCHIVE_DIR: options.archiveDir }),
        },
        sqs: aws.sqs,
        s3: aws.s3,
      });
    const deliverOptions = options.deliver ?? {};
    const deliver = createDeliverHandler({
      env: { ...handlerEnv, MAX_RECEIVE_COUNT: String(aws.deliver.maxReceiveCount) },
      sqs: aws.sqs,
      s3: aws.s3,
      dynamodb: aws.dynamodb,
      ...(deliverOptions.backoff ? { backoff: deliverOptions.backoff } : {}),
      // The mock applies a consent job before it answers: no lease needs to outlive the answer (ADR 0032).
      ...(klaviyoMock ? { consentJobSettleMs: 0 } : {}),
    });

    // What ingest answered, by code, for /_relay/status.
    const answered: Record<string, number> = {};
    const countedIngest: HttpLambda = async (event, context) => {
      const result = await ingest(event, context);
      let code = String(result.statusCode);
      try {
        code = (JSON.parse(result.body ?? '{}') as { code?: string }).code ?? code;
      } catch {
        // not JSON: counted by status
      }
      answered[code] = (answered[code] ?? 0) + 1;
      return result;
    };
    const mockForStatus = klaviyoMock;
    const gateway = await startApiGateway(countedIngest, options.port ?? 0, {
      [STATUS_PATH]: () => relayStatus(aws, answered, mockForStatus && (() => mockForStatus.events().length)),
    });
    cleanups.push(() => gateway.close());
    const pollers = [
      // Each hydrate poller is an instance of its own, with its own source API pacers, as in AWS.
      ...Array.from({ length: options.hydrate?.pollers ?? 1 }, () => ({
        functionName: 'hydrate',
        queue: aws.hydrate,
        handler: hydrateInstance(),
      })),
      // One deliver function behind every family's queue, each queue with its own pollers (its own mapping).
      ...Object.values(aws.deliverQueues).flatMap((queue) =>
        Array.from({ length: deliverOptions.pollers ?? 1 }, () => ({
          functionName: 'deliver',
          queue,
          handler: deliver,
          batchSize: deliverOptions.batchSize,
          maxBatchingWindowMs: deliverOptions.maxBatchingWindowMs,
          timeoutMs: deliverOptions.timeoutMs,
        })),
      ),
    ];
    for (const { queue, ...settings } of pollers) {
      const poller = startPoller({ sqs: aws.sqs, queueUrl: queue.url, queueArn: queue.arn, ...settings });
      cleanups.push(() => poller.stop());
    }

    const stack: LocalStack = {
      webhookUrl: (source) => `${gateway.url}/webhooks/${encodeURIComponent(source)}`,
      apiEndpoint: gateway.url,
      statusUrl: `${gateway.url}${STATUS_PATH}`,
      configDocument: text,
      config,
      env,
      aws,
      klaviyoDestination: destination,
      klaviyoBaseUrl: destination.baseUrl,
      generatedSecrets,
      demoApiUrl: demoApi.url,
      async drained() {
        for (const { url } of [aws.hydrate, ...Object.values(aws.deliverQueues)]) {
          // Delayed: messages a stage deferred (re-sent with DelaySeconds) still count as waiting.
          const { waiting, inFlight, delayed } = await queueCounts(aws.sqs, url);
          if (waiting + inFlight + delayed > 0) return false;
        }
        return true;
      },
      stop,
    };
    if (klaviyoMock) stack.klaviyoMock = klaviyoMock;
    if (options.archiveDir) stack.archiveDir = options.archiveDir;
    return stack;
  } catch (error) {
    await stop();
    throw error;
  }
}
