// Lambda entry for ingest: adapts API Gateway (HTTP API, payload 2.0) to the accept-webhook use case.
// Order matters: signature on raw bytes → JSON parse → use case; errors become JSON answers.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { claimCheckFromEnv } from '../shared/stage/claim-check.ts';
import {
  parseOpaqueRelayConfigPerSource,
  type OpaqueRelayConfig,
} from '../shared/config/opaque-relay-config.ts';
import type { SourceRefusals } from '../shared/config/document-validation.ts';
import {
  createConfigLoader,
  reportRefreshError,
  reportRefusedSources,
  requireEnv,
  type LoadConfig,
} from '../shared/config/loader.ts';
import { createLogger, type Logger } from '../shared/logger.ts';
import { createMetrics, MetricUnit, type Metrics } from '../shared/metrics.ts';
import { createSecretResolver, type ResolveSecret } from '../shared/secrets.ts';
import { createSqsQueue } from '../shared/stage/sqs-queue.ts';
import { jsonDepth } from '../shared/json/depth.ts';
import { mayHoldLargeIntegers, parseJson } from '../shared/json/text.ts';
import { acceptWebhook } from './accept-webhook.ts';
import { createDynamoDedupeStore } from './dedupe-store.ts';
import { errorResponses } from './error-responses.ts';
import { HttpError } from './http-error.ts';
import { jsonResponse } from './http-response.ts';
import { adapterFor } from './sources/index.ts';
import { verifyWebhook, type IngestContext } from './verify-webhook.ts';

/** The message contract's bound; longer ids would fail validation after the claim. */
const MAX_DELIVERY_ID_LENGTH = 512;

export interface IngestDependencies {
  env?: NodeJS.ProcessEnv;
  sqs?: SQSClient;
  /** The payload bucket's client (claim checks); default a new S3Client. */
  s3?: S3Client;
  dynamodb?: DynamoDBClient;
  loadConfig?: LoadConfig<OpaqueRelayConfig & SourceRefusals>;
  resolveSecret?: ResolveSecret;
  logger?: Logger;
  metrics?: Metrics;
  now?: () => number;
}

export function createIngestHandler(deps: IngestDependencies = {}) {
  const env = deps.env ?? process.env;
  const logger = deps.logger ?? createLogger('ingest');
  const metrics = deps.metrics ?? createMetrics('ingest');
  const now = deps.now ?? Date.now;
  const dedupe = createDynamoDedupeStore(
    deps.dynamodb ?? new DynamoDBClient({}),
    requireEnv(env, 'DEDUPE_TABLE_NAME'),
  );
  const { queueOptions } = claimCheckFromEnv(env, deps.s3 ?? new S3Client({}), 'ingest');
  const queue = createSqsQueue(
    deps.sqs ?? new SQSClient({}),
    requireEnv(env, 'HYDRATE_QUEUE_URL'),
    queueOptions,
  );

  async function ingest(
    event: APIGatewayProxyEventV2,
    context: IngestContext,
  ): Promise<APIGatewayProxyStructuredResultV2> {
    const webhook = context.webhook;
    if (!webhook) throw new Error('verifyWebhook middleware did not run');
    const { sourceName, source, config, request } = webhook;
    const requestId = event.requestContext.requestId || context.awsRequestId;
    const maxDepth = config.ingest.max_json_depth;
    if (jsonDepth(event.body, maxDepth) > maxDepth) {
      throw new HttpError(400, 'too_deeply_nested', `JSON nests deeper than ${maxDepth} levels`);
    }
    // The body parser reads every number as a double: a body that may hold integers beyond 2^53 is read again
    // so that they keep their digits (in the delivery id read from it, and in the payload hydrate gets).
    const text = request.rawBody.toString('utf8');
    const parsed: unknown = mayHoldLargeIntegers(text) ? parseJson(text) : event.body;
    const events = adapterFor(source).events(request, parsed, source);
    if (events.length === 0) throw new HttpError(400, 'no_events', 'the request carries no events');
    for (const { deliveryId } of events) {
      if (deliveryId.length > MAX_DELIVERY_ID_LENGTH) {
        throw new HttpError(
          400,
          'invalid_delivery_id',
          `a delivery id is ${deliveryId.length} characters; at most ${MAX_DELIVERY_ID_LENGTH} are accepted`,
        );
      }
    }

    const outcome = await acceptWebhook(
      sourceName,
      events,
      { ttlSeconds: config.ingest.dedupe_ttl_seconds, leaseSeconds: config.ingest.claim_lease_seconds },
      { dedupe, queue, logger, now },
    );
    for (const [name, ids] of Object.entries(outcome) as [string, string[]][]) {
      if (ids.length === 0) continue;
      metrics.addMetric(name, MetricUnit.Count, ids.length);
      // Per configured source too, for the dashboard (never for an unknown source: that would let a sender
      // create metrics by choosing path segments).
      const bySource = metrics.singleMetric();
      bySource.addDimension('source', sourceName);
      bySource.addMetric(`${name}_by_source`, MetricUnit.Count, ids.length);
    }
    const deliveryIds = events.map((e) => e.deliveryId);
    const body = { request_id: requestId, delivery_id: deliveryIds[0], ...outcome };
    let status: number;
    let code: string;
    if (outcome.failed.length > 0) [status, code] = [503, 'enqueue_failed'];
    else if (outcome.inProgress.length > 0) [status, code] = [409, 'in_progress'];
    else if (outcome.accepted.length > 0) [status, code] = [202, 'accepted'];
    else [status, code] = [200, 'duplicate'];
    // The same correlation field as hydrate and deliver log (`<source>:<delivery id>`), so one query finds a
    // webhook in every stage; a request carrying several events (Klaviyo's, up to 1,000) lists every one.
    const correlationIds = deliveryIds.map((id) => `${sourceName}:${id}`);
    logger.info('webhook handled', {
      source: sourceName,
      correlation_id: correlationIds[0],
      ...(correlationIds.length > 1 && { correlation_ids: correlationIds }),
      event_count: deliveryIds.length,
      accepted: outcome.accepted.length,
      duplicates: outcome.duplicates.length,
      in_progress: outcome.inProgress.length,
      failed: outcome.failed.length,
      outcome: code,
      reason: code === 'accepted' ? undefined : code,
      status,
    });
    const retry = status >= 409 ? { 'retry-after': String(config.ingest.claim_lease_seconds) } : {};
    return jsonResponse(status, { code, ...body }, retry);
  }

  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, IngestContext>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use(errorResponses({ logger, metrics }))
    .use(
      verifyWebhook({
        loadConfig:
          deps.loadConfig ??
          createConfigLoader(parseOpaqueRelayConfigPerSource, env, {
            onRefreshError: reportRefreshError(logger, metrics),
            onLoaded: reportRefusedSources(logger, metrics),
          }),
        resolveSecret: deps.resolveSecret ?? createSecretResolver({ env }),
        now,
        onAcknowledged: (source, code) => {
          logger.info('webhook acknowledged', { source, outcome: code, status: 200 });
          metrics.addMetric('acknowledged', MetricUnit.Count, 1);
        },
        onSourceRefused: (source) => {
          logger.warn('source configuration invalid; asked the sender to retry', { source, status: 503 });
          metrics.addMetric('source_config_waiting', MetricUnit.Count, 1);
        },
        onSecretUnavailable: (source, error) => {
          logger.warn('secret unavailable', { source, error });
          metrics.addMetric('secret_unavailable', MetricUnit.Count, 1);
        },
      }),
    )
    .use(httpJsonBodyParser())
    .handler(ingest);
}

let instance: ReturnType<typeof createIngestHandler> | undefined;

/** Lambda's entry point: built on the first invocation; tests and local mode call the factory instead. */
export const handler = (event: APIGatewayProxyEventV2, context: IngestContext) =>
  (instance ??= createIngestHandler())(event, context);
