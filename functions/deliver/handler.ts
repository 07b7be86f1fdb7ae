// Lambda entry for deliver: SQS batch of Klaviyo events in, Klaviyo API calls out.
import { SQSClient } from '@aws-sdk/client-sqs';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createConfigLoader, requireEnv, type LoadConfig } from '../shared/config-loader.ts';
import { DeliverMessageSchema } from '../shared/contracts.ts';
import { createLogger, type Logger } from '../shared/logger.ts';
import { createMetrics, MetricUnit, type Metrics } from '../shared/metrics.ts';
import { createSecretResolver, type ResolveSecret } from '../shared/secrets.ts';
import { createSqsStage } from '../shared/sqs-stage.ts';
import { deliverMessage } from './deliver-event.ts';
import { createKlaviyoClient, type Fetch, type KlaviyoClient } from './klaviyo-client.ts';

export interface DeliverDependencies {
  env?: NodeJS.ProcessEnv;
  sqs?: SQSClient;
  fetch?: Fetch;
  loadConfig?: LoadConfig;
  resolveSecret?: ResolveSecret;
  logger?: Logger;
  metrics?: Metrics;
  now?: () => number;
}

export function createDeliverHandler(deps: DeliverDependencies = {}) {
  const env = deps.env ?? process.env;
  const sqs = deps.sqs ?? new SQSClient({});
  const logger = deps.logger ?? createLogger('deliver');
  const metrics = deps.metrics ?? createMetrics('deliver');
  const now = deps.now ?? Date.now;
  const loadConfig = deps.loadConfig ?? createConfigLoader(env);
  const resolveSecret = deps.resolveSecret ?? createSecretResolver({ env });
  let klaviyo: KlaviyoClient | undefined;

  async function klaviyoClient(): Promise<KlaviyoClient> {
    if (klaviyo) return klaviyo;
    const settings = (await loadConfig()).klaviyo;
    const options = { settings, apiKey: () => resolveSecret(settings.api_key), now };
    klaviyo = createKlaviyoClient(deps.fetch ? { ...options, fetch: deps.fetch } : options);
    return klaviyo;
  }

  const stage = createSqsStage({
    stage: 'deliver',
    schema: DeliverMessageSchema,
    sqs,
    queueUrl: requireEnv(env, 'DELIVER_QUEUE_URL'),
    dlqUrl: requireEnv(env, 'DELIVER_DLQ_URL'),
    logger,
    metrics,
    now,
    process: async (message, log) => {
      const { latencyMs } = await deliverMessage(message, { klaviyo: await klaviyoClient(), log, now });
      metrics.addMetric('delivered', MetricUnit.Count, 1);
      metrics.addMetric('klaviyo_latency', MetricUnit.Milliseconds, latencyMs);
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
