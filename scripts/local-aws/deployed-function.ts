// A deployed function run as Lambda runs it, against moto, which keeps the resources but cannot run Lambda code
// (no Docker here): for `npm run deploy:local` and the apply test. The zip is the module's prebuilt one (the
// apply test proves that is the deployed code, by CodeSha256); its handler, runtime, memory, timeout and
// environment are read back from moto's function configuration; every AWS call it makes goes to moto
// (AWS_ENDPOINT_URL). What Lambda would do around it is done here: a fresh container when the last one died
// (a timeout kills it), shipping what the function printed to its log group, and (pollOnce) one poll of a queue
// as an event source mapping makes it. ./function-runner.ts keeps them all running.
import { mkdir } from 'node:fs/promises';
import {
  CreateLogStreamCommand,
  PutLogEventsCommand,
  type CloudWatchLogsClient,
} from '@aws-sdk/client-cloudwatch-logs';
import { GetFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { readBatchResponse } from '../../local/sqs/batch-response.ts';
import { toSqsRecord } from '../../local/sqs/lambda-event.ts';
import { extractZip } from '../unzip.ts';
import { startLambdaContainer, type LambdaContainer } from './lambda-container.ts';
import { restartingContainer } from './restarting-container.ts';

export interface DeployedFunction {
  name: string;
  /** The function's timeout, from its configuration. */
  timeoutSeconds: number;
  /** The container serving now (a new one after the last died). */
  readonly container: LambdaContainer;
  /** Invokes the function, in a fresh container when the last one has exited. */
  invoke(event: unknown): Promise<unknown>;
  /** Sends what the function printed since the last call to its log group, as Lambda does; returns the count. */
  shipLogs(): Promise<number>;
  stop(): Promise<void>;
}

export interface DeployedFunctionOptions {
  lambda: LambdaClient;
  logs: CloudWatchLogsClient;
  functionName: string;
  /** The deployment package, e.g. the module's artifacts/<fn>.zip. */
  zipFile: string;
  /** An empty directory for the unzipped package. */
  taskRoot: string;
  endpoint: string;
  region: string;
}

export async function startDeployedFunction(options: DeployedFunctionOptions): Promise<DeployedFunction> {
  const config = await options.lambda.send(
    new GetFunctionConfigurationCommand({ FunctionName: options.functionName }),
  );
  await mkdir(options.taskRoot, { recursive: true });
  await extractZip(options.zipFile, options.taskRoot);
  const timeoutSeconds = config.Timeout ?? 3;
  const containers = await restartingContainer(() =>
    startLambdaContainer({
      taskRoot: options.taskRoot,
      handler: config.Handler ?? '',
      runtime: config.Runtime ?? '',
      functionName: options.functionName,
      region: options.region,
      memorySize: config.MemorySize ?? 128,
      timeoutSeconds,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test', sessionToken: 'test' },
      environment: { ...config.Environment?.Variables, AWS_ENDPOINT_URL: options.endpoint },
    }),
  );

  const logGroupName = config.LoggingConfig?.LogGroup ?? `/aws/lambda/${options.functionName}`;
  const logStreamName = `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]moto-local`;
  let streamCreated = false;
  return {
    name: options.functionName,
    timeoutSeconds,
    get container() {
      return containers.current;
    },
    invoke: (event) => containers.invoke(event),
    async shipLogs() {
      const lines = containers
        .newOutput()
        .split('\n')
        .filter((line) => line.trim() !== '');
      if (lines.length === 0) return 0;
      if (!streamCreated) {
        await options.logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
        streamCreated = true;
      }
      const timestamp = Date.now();
      await options.logs.send(
        new PutLogEventsCommand({
          logGroupName,
          logStreamName,
          logEvents: lines.map((message) => ({ timestamp, message })),
        }),
      );
      return lines.length;
    },
    stop: () => containers.stop(),
  };
}

export interface PollResult {
  received: number;
  succeeded: number;
  failed: number;
}

/**
 * One poll of a queue by its event source mapping: receive up to `batchSize` messages, invoke the function with
 * them, delete those it did not report as failures. A failed record stays in flight until its visibility
 * timeout, as on Lambda.
 */
export async function pollOnce(
  fn: DeployedFunction,
  sqs: SQSClient,
  queue: { url: string; arn: string },
  batchSize = 10,
): Promise<PollResult> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.url,
      MaxNumberOfMessages: batchSize,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  if (Messages.length === 0) return { received: 0, succeeded: 0, failed: 0 };
  const records = Messages.map((message) => toSqsRecord(message, queue.arn));
  const outcome = readBatchResponse(records, await fn.invoke({ Records: records }));
  if (outcome.kind === 'batch-failed')
    throw new Error(`${fn.name} failed the whole batch: ${outcome.reason}`);
  if (outcome.succeeded.length > 0)
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: outcome.succeeded.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
      }),
    );
  return { received: records.length, succeeded: outcome.succeeded.length, failed: outcome.failed.length };
}
