// Lambda entry for hydrate: SQS batch in (webhook.received v1), Klaviyo events out to the deliver queues, each
// message to its family's (DELIVER_QUEUE_URLS, else DELIVER_QUEUE_URL: deliver-queues.ts).
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { archiveFromEnv } from '../shared/archive.ts';
import { claimCheckFromEnv, createS3ClaimCheckReader } from '../shared/stage/claim-check.ts';
import {
  parseRelayConfigPerSource,
  type RelayConfig,
  type SourceRefusals,
} from '../shared/config/relay-config.ts';
import {
  createConfigLoader,
  reportRefreshError,
  reportRefusedSources,
  requireEnv,
  requireMaxReceiveCount,
  type LoadConfig,
} from '../shared/config/loader.ts';
import { webhookReceivedV1Schema, type WebhookReceivedV1 } from '../shared/stage/contracts.ts';
import { PermanentError } from '../shared/stage/errors.ts';
import { createLogger, type Logger } from '../shared/logger.ts';
import { createMetrics, MetricUnit, type Metrics } from '../shared/metrics.ts';
import { createSecretResolver, type ResolveSecret } from '../shared/secrets.ts';
import { createSqsQueue } from '../shared/stage/sqs-queue.ts';
import { deliverFamilyUrlsFromEnv, onePerUrl } from '../shared/stage/deliver-queues.ts';
import type { DeliverFamily } from '../shared/stage/deliver-families.ts';
import { deadlineMarginFor } from '../shared/stage/deadline.ts';
import { createSqsStage } from '../shared/stage/record-stage.ts';
import { hydrateEvent, replayOf } from './hydrate-event.ts';
import { ResponseCache } from './hydration/response-cache.ts';
import { createMappingLane } from './mapping-lane.ts';
import { createSourcePacers } from './source-pacer.ts';
import { admitWebhook, memoryOfInstance, type WebhookBudget } from './webhook-budget.ts';
import type { Fetch } from './source-api.ts';
import {
  isConfigValidationRequest,
  validateConfigRequest,
  type ConfigValidationRequest,
  type ConfigVerdict,
} from './validate-config.ts';

export interface HydrateDependencies {
  env?: NodeJS.ProcessEnv;
  sqs?: SQSClient;
  /** The payload bucket's client (claim checks); default a new S3Client. */
  s3?: S3Client;
  fetch?: Fetch;
  /** Cap on a source API's response body; default MAX_RESPONSE_BYTES (5 MiB). */
  maxResponseBytes?: number;
  loadConfig?: LoadConfig<RelayConfig & SourceRefusals>;
  resolveSecret?: ResolveSecret;
  logger?: Logger;
  metrics?: Metrics;
  now?: () => number;
  /** Time kept back at the end of an invocation (default DEADLINE_MARGIN_MS, 2 s; tests shorten it). */
  deadlineMarginMs?: number;
}

export function createHydrateHandler(deps: HydrateDependencies = {}) {
  const env = deps.env ?? process.env;
  const sqs = deps.sqs ?? new SQSClient({});
  const logger = deps.logger ?? createLogger('hydrate');
  const metrics = deps.metrics ?? createMetrics('hydrate');
  const now = deps.now ?? Date.now;
  const loadConfig =
    deps.loadConfig ??
    // Per source: a source whose part is refused waits (deferred) while the others are served.
    createConfigLoader(parseRelayConfigPerSource, env, {
      onRefreshError: reportRefreshError(logger, metrics),
      onLoaded: reportRefusedSources(logger, metrics),
    });
  const resolveSecret = deps.resolveSecret ?? createSecretResolver({ env });
  const s3 = deps.s3 ?? new S3Client({});
  const claimCheck = claimCheckFromEnv(env, s3, 'hydrate');
  // One queue port per URL (families without a queue of their own share the events queue's), claim checks on each.
  const deliverQueues = onePerUrl(
    deliverFamilyUrlsFromEnv(env, 'DELIVER_QUEUE_URL', 'DELIVER_QUEUE_URLS'),
    (url) => createSqsQueue(sqs, url, claimCheck.queueOptions),
  );
  const deliverQueue = (family: DeliverFamily) => deliverQueues[family];
  // One pacer per source API for this instance: requests_per_second and the API's rate headers set its pace.
  const pacers = createSourcePacers({ now });
  // Source API answers a step asks to keep (cache_ttl_seconds), and identical calls in flight, for this instance.
  const cache = new ResponseCache({ now });
  // Mappings (CPU work) one at a time while hydration calls (I/O) stay concurrent (mapping-lane.ts).
  const mappingLane = createMappingLane();
  // The archive (ARCHIVE_BUCKET, or ARCHIVE_DIR locally): what each invocation received, written once at its end.
  const archive = archiveFromEnv(env, s3);
  const toArchive = new WeakMap<Context, Map<string, WebhookReceivedV1>>();
  // What the records in flight on this instance hold together, and each record's byte budget (webhook-budget.ts).
  const memory = memoryOfInstance(env);
  const budgets = new WeakMap<SQSRecord, WebhookBudget>();

  const stage = createSqsStage({
    stage: 'hydrate',
    schema: webhookReceivedV1Schema(),
    sqs,
    queueUrl: requireEnv(env, 'HYDRATE_QUEUE_URL'),
    dlqUrl: requireEnv(env, 'HYDRATE_DLQ_URL'),
    maxReceiveCount: requireMaxReceiveCount(env),
    claimCheckReader: createS3ClaimCheckReader(s3),
    claimCheck: claimCheck.store,
    maxMessageBytes: claimCheck.maxMessageBytes,
    logger,
    metrics,
    now,
    // Records run within the invocation's time left: one a slow source API holds past it is aborted and
    // reported as a batch item failure (out_of_time) before Lambda's timeout would fail the whole batch.
    ...(deps.deadlineMarginMs === undefined ? {} : { deadlineMarginMs: deps.deadlineMarginMs }),
    // A record's budget is opened, and charged the webhook, before its body (perhaps a claim check's) is loaded.
    admit: async (record) => {
      const { hydrate: settings } = await loadConfig();
      const budget = admitWebhook(memory, settings.max_bytes_per_webhook, record.body);
      budgets.set(record, budget);
      return () => budget.release();
    },
    process: async (message, log, record, signal, context) => {
      const started = now();
      // Archived once handled (hydrated, or dead-lettered for good); a record that will be retried is archived
      // by the receive that handles it, so a retry does not archive it twice. A replayed copy is in the archive
      // already: archiving it again would let a later replay pick the copy (with its replay flags).
      const handled = () => {
        if (!replayOf(message)) toArchive.get(context)?.set(record.messageId, message);
      };
      try {
        await hydrate(message, log, signal, context, started, budgets.get(record));
      } catch (error) {
        if (error instanceof PermanentError) handled();
        throw error;
      }
      handled();
      metrics.addMetric('hydrated', MetricUnit.Count, 1);
    },
  });

  async function hydrate(
    message: WebhookReceivedV1,
    log: Logger,
    signal: AbortSignal,
    context: Context,
    started: number,
    budget: WebhookBudget | undefined,
  ): Promise<void> {
    await hydrateEvent(message, {
      signal,
      config: await loadConfig(),
      pacers,
      cache,
      mappingLane,
      budget,
      // The pacer defers a record whose slot falls after the point where the stage would abort it.
      deadline:
        started + context.getRemainingTimeInMillis() - deadlineMarginFor(context, deps.deadlineMarginMs),
      deliverQueue,
      fetch: deps.fetch ?? fetch,
      resolveSecret,
      now,
      log,
      count: (name, value = 1) => metrics.addMetric(name, MetricUnit.Count, value),
      ...(deps.maxResponseBytes === undefined ? {} : { maxResponseBytes: deps.maxResponseBytes }),
    });
  }

  /**
   * The stage, then the archive write for what it handled. The archive is optional (ADR 0019): a failed write
   * is logged, counted (`archive_failed`, alarmed) and never fails a record, which hydrate has already sent on —
   * a retry would hydrate and send it again, and on the last receive move it to the DLQ without a letter.
   */
  async function stageAndArchive(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    if (!archive) return stage(event, context);
    const received = new Map<string, WebhookReceivedV1>();
    toArchive.set(context, received);
    const response = await stage(event, context);
    if (received.size === 0) return response;
    const messages = [...received.values()];
    try {
      await archive.write(messages);
      metrics.addMetric('archived', MetricUnit.Count, messages.length);
    } catch (error) {
      logger.error('could not write the archive; these webhooks were handled but are not archived', {
        error: error as Error,
        records: messages.length,
        correlation_ids: messages.slice(0, 50).map((m) => m.correlation_id),
      });
      metrics.addMetric('archive_failed', MetricUnit.Count, messages.length);
    }
    return response;
  }

  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(stageAndArchive);
}

let instance: ReturnType<typeof createHydrateHandler> | undefined;

/**
 * Lambda's entry point: built on the first invocation; tests and local mode call the factory instead. A
 * configuration validation request (validate-config.ts; the module sends one after each change of the document)
 * is answered with hydrate's verdict; anything else is an SQS batch.
 */
export function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse>;
export function handler(event: ConfigValidationRequest, context: Context): Promise<ConfigVerdict>;
export function handler(
  event: SQSEvent | ConfigValidationRequest,
  context: Context,
): Promise<SQSBatchResponse | ConfigVerdict> {
  if (isConfigValidationRequest(event)) return validateConfigRequest(event, process.env);
  return (instance ??= createHydrateHandler())(event, context);
}
