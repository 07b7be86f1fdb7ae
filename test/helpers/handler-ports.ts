// What the stage handlers' unit tests give a handler in place of Terraform's settings and of AWS: the queues of a
// made-up account, as the function's environment names them, and an SQS client that accepts every command.
import type { SQSClient } from '@aws-sdk/client-sqs';

/** Hydrate's queue settings (docs/runtime-contract.md). */
export const HYDRATE_QUEUES_ENV = {
  HYDRATE_QUEUE_URL: 'http://sqs.local/000000000000/hydrate',
  HYDRATE_DLQ_URL: 'http://sqs.local/000000000000/hydrate-dlq',
  DELIVER_QUEUE_URL: 'http://sqs.local/000000000000/deliver',
  MAX_RECEIVE_COUNT: '5',
} as const;

/** Deliver's queue settings (docs/runtime-contract.md). */
export const DELIVER_QUEUES_ENV = {
  DELIVER_QUEUE_URL: 'http://sqs.local/000000000000/deliver',
  DELIVER_DLQ_URL: 'http://sqs.local/000000000000/deliver-dlq',
  MAX_RECEIVE_COUNT: '5',
} as const;

/** For a test that does not look at what the handler sends: every command succeeds with an empty answer. */
export function acceptingSqs(): SQSClient {
  return { send: () => Promise.resolve({}) } as unknown as SQSClient;
}
