// Keeps a deployment's functions running as Lambda would around them, for `npm run deploy:local`: ingest behind
// a local HTTP endpoint standing for API Gateway (local/api-gateway.ts builds the same payload-2.0 events), one
// poller per event source mapping (local/sqs/poller.ts: batches, partial batch failures, deletes; what fails
// returns after its visibility timeout and moto's redrive policy moves it to the DLQ), and what each function
// prints shipped to its log group every few seconds, for `relay trace`.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyStructuredResultV2, SQSBatchResponse } from 'aws-lambda';
import { startApiGateway } from '../../local/api-gateway.ts';
import type { RunningServer } from '../../local/http-server.ts';
import { startPoller, type Poller } from '../../local/sqs/poller.ts';
import type { EventSourceQueue } from './event-source-queues.ts';

/** What the runner needs of a deployed function (./deployed-function.ts). */
export interface RunnableFunction {
  readonly name: string;
  readonly timeoutSeconds: number;
  invoke(event: unknown): Promise<unknown>;
  /** Ships what the function printed to its log group; returns how many lines. */
  shipLogs(): Promise<number>;
}

export interface FunctionRunnerOptions {
  sqs: SQSClient;
  /** The function behind the webhook endpoint. */
  ingest: RunnableFunction;
  /** Every function a mapping may name. */
  functions: readonly RunnableFunction[];
  /** The mappings to poll (./event-source-queues.ts). */
  queues: readonly EventSourceQueue[];
  /** The webhook endpoint's loopback port; 0 picks a free one. */
  port: number;
  /** Long-poll wait per receive (default 20 s, as the mappings; tests use 0). */
  waitTimeSeconds?: number;
  /** How often the functions' output is shipped to their log groups (default 2000 ms). */
  logIntervalMs?: number;
  /** Where problems go (a failed invocation, a receive that failed, a log shipment that failed). */
  report: (message: string) => void;
}

export interface FunctionRunner {
  /** `http://127.0.0.1:<port>`: the API endpoint the webhook URLs hang under. */
  readonly apiEndpoint: string;
  /** `<apiEndpoint>/webhooks`. */
  readonly webhookBaseUrl: string;
  /** Ships the functions' output now (also done every logIntervalMs). */
  shipLogs(): Promise<void>;
  /** Stops polling and the endpoint (the batches in hand finish), then ships the last output. */
  stop(): Promise<void>;
}

/** `: <the cause's message>` for a poller's error that has one. */
function causeOf(error: Error): string {
  const cause = error.cause;
  if (cause === undefined) return '';
  return `: ${cause instanceof Error ? cause.message : JSON.stringify(cause)}`;
}

export async function startFunctionRunner(options: FunctionRunnerOptions): Promise<FunctionRunner> {
  const byName = new Map(options.functions.map((fn) => [fn.name, fn]));
  const unknown = options.queues.filter((q) => !byName.has(q.functionName));
  if (unknown.length > 0)
    throw new Error(
      `event source mappings name functions this runner does not run: ${unknown.map((q) => `${q.queueArn} → ${q.functionName}`).join(', ')} (running: ${[...byName.keys()].join(', ')})`,
    );

  const api: RunningServer = await startApiGateway(
    async (event) => (await options.ingest.invoke(event)) as APIGatewayProxyStructuredResultV2,
    options.port,
  );
  const pollers: Poller[] = options.queues.map((queue) => {
    const fn = byName.get(queue.functionName) as RunnableFunction;
    return startPoller({
      sqs: options.sqs,
      queueUrl: queue.queueUrl,
      queueArn: queue.queueArn,
      functionName: fn.name,
      handler: async (event) => (await fn.invoke(event)) as SQSBatchResponse | undefined,
      batchSize: queue.batchSize,
      maxBatchingWindowMs: queue.maxBatchingWindowMs,
      timeoutMs: fn.timeoutSeconds * 1000,
      waitTimeSeconds: options.waitTimeSeconds ?? 20,
      onError: (error) => options.report(`[${fn.name}] ${error.message}${causeOf(error)}`),
    });
  });

  const everyFunction = [...new Set([options.ingest, ...options.functions])];
  let shipping: Promise<void> = Promise.resolve();
  const shipLogs = () => {
    // One shipment at a time, so that lines keep their order in the log stream.
    shipping = shipping.then(async () => {
      for (const fn of everyFunction)
        await fn.shipLogs().catch((error: unknown) => {
          options.report(`[${fn.name}] its log lines could not be shipped: ${(error as Error).message}`);
        });
    });
    return shipping;
  };
  const timer = setInterval(() => void shipLogs(), options.logIntervalMs ?? 2_000);
  timer.unref();

  return {
    apiEndpoint: api.url,
    webhookBaseUrl: `${api.url}/webhooks`,
    shipLogs,
    async stop() {
      clearInterval(timer);
      await api.close();
      await Promise.all(pollers.map((p) => p.stop()));
      await shipLogs();
    },
  };
}
