// What `npm start` tells the relay CLI about the running local mode: the module's outputs that the CLI reads
// (in `terraform output -json`'s format, so the CLI has one way to read a stack) plus the emulators' endpoints,
// for the stack file (operations/stack-file.ts).
import path from 'node:path';
import type { StackOutputs } from '../operations/stack-file.ts';
import type { QueuePair } from './emulators.ts';
import type { LocalStack } from './stack.ts';

function queueMap(aws: LocalStack['aws'], url: (pair: QueuePair) => string): Record<string, string> {
  return Object.fromEntries(
    [['hydrate', aws.hydrate] as const, ...Object.entries(aws.deliverQueues)].map(([key, pair]) => [
      key,
      url(pair),
    ]),
  );
}

export function localStackOutputs(stack: LocalStack, apiEndpoint: string, logFile?: string): StackOutputs {
  const { aws } = stack;
  const outputs: Record<string, unknown> = {
    api_endpoint: apiEndpoint,
    webhook_base_url: `${apiEndpoint}/webhooks`,
    // Keyed by queue key, as the module's outputs are: hydrate, then each family's deliver queue.
    queue_urls: queueMap(aws, (pair) => pair.url),
    dlq_urls: queueMap(aws, (pair) => pair.dlqUrl),
    dedupe_table_name: aws.tableName,
    payload_bucket_name: aws.payloadBucket,
    config_document: stack.configDocument,
    ...(stack.archiveDir && { local_archive_dir: path.resolve(stack.archiveDir) }),
    // Not a module output: where the emulators answer (the CLI uses static local credentials with them).
    local_endpoints: { sqs: aws.sqsEndpoint, s3: aws.sqsEndpoint, dynamodb: aws.dynamodbEndpoint },
    // Not a module output either: local mode's log lines (a deployment's are in log_group_names), absolute so
    // the CLI finds them from any directory.
    ...(logFile && { local_log_file: path.resolve(logFile) }),
  };
  return Object.fromEntries(Object.entries(outputs).map(([name, value]) => [name, { value }]));
}
