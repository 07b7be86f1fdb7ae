// Lambda entry for deliver: SQS batch of Klaviyo events and profile upserts in, paced Klaviyo API calls out,
// an outcome per message back (partial batch response). One function consumes every family's deliver queue; a
// record's retry, deferred copy and dead letter stay on its own queue pair (deliver-queues.ts).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { claimCheckFromEnv, createS3ClaimCheckReader } from '../shared/stage/claim-check.ts';
import {
  parseOpaqueRelayConfigPerSource,
  type OpaqueRelayConfig,
} from '../shared/config/opaque-relay-config.ts';
import type { KlaviyoSettings } from '../shared/config/klaviyo-settings.ts';
import {
  createConfigLoader,
  reportRefreshError,
  requireMaxReceiveCount,
  type LoadConfig,
} from '../shared/config/loader.ts';
import { deliverMessageSchema } from '../shared/stage/contracts.ts';
import { deliverQueuePairsFromEnv } from '../shared/stage/deliver-queues.ts';
import { createLogger, type Logger } from '../shared/logger.ts';
import { createMetrics, MetricUnit, type Metrics } from '../shared/metrics.ts';
import { createSecretResolver, type ResolveSecret } from '../shared/secrets.ts';
import { createSqsBatchStage } from '../shared/stage/batch-stage.ts';
import { deliverBatch } from './deliver-batch.ts';
import type { DeliverCounters } from './deliver-outcome.ts';
import { createPacers } from './endpoint-pacers.ts';
import { createKlaviyoClient, type Fetch, type KlaviyoClient, type KlaviyoReader } from './klaviyo-client.ts';
import { createDynamoStateVersions, stateTtlSecondsOf } from './state-versions.ts';
import { deferUnknownKind } from './unknown-kinds.ts';

export interface DeliverDependencies {
  env?: NodeJS.ProcessEnv;
  sqs?: SQSClient;
  /** The dedupe table's client (the newest profile write per profile); default a new DynamoDBClient. */
  dynamodb?: DynamoDBClient;
  /** The payload bucket's client (claim checks); default a new S3Client. */
  s3?: S3Client;
  fetch?: Fetch;
  loadConfig?: LoadConfig<OpaqueRelayConfig>;
  resolveSecret?: ResolveSecret;
  logger?: Logger;
  metrics?: Metrics;
  now?: () => number;
  /** Seconds before a retry without Retry-After, by failed attempt; default 10 s doubling (tests shorten it). */
  backoff?: (receiveCount: number) => number;
  /**
   * How long a consent job's lease on its state outlives Klaviyo's 202 (ADR 0032); default CONSENT_JOB_SETTLE_MS.
   * Local mode's Klaviyo mock applies a job before it answers, so it needs none.
   */
  consentJobSettleMs?: number;
}

/** Time kept back at the end of an invocation: no request starts unless it can finish before the timeout. */
const DEADLINE_MARGIN_MS = 1_000;

export function createDeliverHandler(deps: DeliverDependencies = {}) {
  const env = deps.env ?? process.env;
  const sqs = deps.sqs ?? new SQSClient({});
  const logger = deps.logger ?? createLogger('deliver');
  const metrics = deps.metrics ?? createMetrics('deliver');
  const now = deps.now ?? Date.now;
  const loadConfig =
    deps.loadConfig ??
    // Per source: deliver reads no source, so a source whose part is refused must not stop it.
    createConfigLoader(parseOpaqueRelayConfigPerSource, env, {
      onRefreshError: reportRefreshError(logger, metrics),
    });
  const resolveSecret = deps.resolveSecret ?? createSecretResolver({ env });
  const s3 = deps.s3 ?? new S3Client({});
  const claimCheck = claimCheckFromEnv(env, s3, 'deliver');
  // Profile writes go forward only: the newest written per profile is kept in the dedupe table (DEDUPE_TABLE_NAME).
  const stateVersions = env.DEDUPE_TABLE_NAME
    ? createDynamoStateVersions(
        deps.dynamodb ?? new DynamoDBClient({}),
        env.DEDUPE_TABLE_NAME,
        stateTtlSecondsOf(env),
      )
    : undefined;
  // Rebuilt when the loaded document's Klaviyo settings change (the loader rereads it every few minutes), so
  // a changed base URL, revision, key reference, timeout or budget reaches a warm instance without a deploy.
  // The pacers are kept across invocations, and across refreshes that leave the account and budget as they
  // were, so pacing carries over from one invocation to the next.
  let klaviyo: { client: KlaviyoClient & KlaviyoReader; settings: KlaviyoSettings; key: string } | undefined;
  let pacers: { pacer: ReturnType<typeof createPacers>; key: string } | undefined;

  async function klaviyoClient() {
    const settings = (await loadConfig()).klaviyo;
    if (klaviyo && (klaviyo.settings === settings || klaviyo.key === JSON.stringify(settings)))
      return klaviyo;
    const pacerKey = JSON.stringify([
      settings.base_url,
      settings.api_key,
      settings.rate_budget_share,
      settings.max_concurrency,
      settings.max_pacing_wait_ms,
    ]);
    if (pacers?.key !== pacerKey) pacers = { pacer: createPacers({ ...settings, now }), key: pacerKey };
    const client = createKlaviyoClient({
      settings,
      apiKey: () => resolveSecret(settings.api_key),
      now,
      pacer: pacers.pacer,
      // Values of one metric share an EMF line (up to 100 of them), so per-call latency costs little log volume.
      onCall: ({ status, latencyMs }) => {
        metrics.addMetric('klaviyo_latency', MetricUnit.Milliseconds, latencyMs);
        if (status === 0 || status >= 500) metrics.addMetric('klaviyo_server_errors', MetricUnit.Count, 1);
      },
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    klaviyo = { client, settings, key: JSON.stringify(settings) };
    return klaviyo;
  }

  const counters: DeliverCounters = {
    count: (name, value = 1) => metrics.addMetric(name, MetricUnit.Count, value),
  };

  const queues = deliverQueuePairsFromEnv(env);
  const stage = createSqsBatchStage({
    stage: 'deliver',
    schema: deliverMessageSchema(),
    deferUnknown: deferUnknownKind,
    sqs,
    queueUrl: queues.events.queueUrl,
    dlqUrl: queues.events.dlqUrl,
    queuePairOf: (record) => queues.pairOfArn(record.eventSourceARN),
    maxReceiveCount: requireMaxReceiveCount(env),
    claimCheckReader: createS3ClaimCheckReader(s3),
    claimCheck: claimCheck.store,
    maxMessageBytes: claimCheck.maxMessageBytes,
    logger,
    metrics,
    now,
    ...(deps.backoff ? { backoff: deps.backoff } : {}),
    processBatch: async (records, context) => {
      const { client, settings } = await klaviyoClient();
      const deadline = now() + context.getRemainingTimeInMillis() - settings.timeout_ms - DEADLINE_MARGIN_MS;
      return deliverBatch(records, {
        klaviyo: client,
        settings,
        counters,
        log: logger,
        deadline,
        stateVersions,
        // The clock the deadline was taken from: a profile import job's read-back keeps to it.
        now,
        consentJobSettleMs: deps.consentJobSettleMs,
      });
    },
  });

  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(stage);
}

let instance: ReturnType<typeof createDeliverHandler> | undefined;

/** Lambda's entry point: built on the first invocation; tests and local mode call the factory instead. */
export const handler = (event: SQSEvent, context: Context) =>
  (instance ??= createDeliverHandler())(event, context);
