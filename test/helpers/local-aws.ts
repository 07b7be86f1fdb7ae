// A fresh DynamoDB + SQS emulator pair for one test file, torn down after it.
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll } from 'vitest';
import { startLocalAws, type LocalAws } from '../../local/emulators.ts';

export function useLocalAws(options: Parameters<typeof startLocalAws>[0] = {}): () => LocalAws {
  let aws: LocalAws | undefined;
  beforeAll(async () => {
    aws = await startLocalAws(options);
  });
  afterAll(async () => {
    await aws?.close();
  });
  return () => {
    if (!aws) throw new Error('local AWS emulators are not running');
    return aws;
  };
}

/** An SQS client for the emulator whose first `failures` calls fail as an unavailable SQS would. */
export function flakySqsClient(endpoint: string, failures: number): SQSClient {
  const client = new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  let remaining = failures;
  client.middlewareStack.add(
    (next) => async (args) => {
      if (remaining-- > 0)
        throw Object.assign(new Error('SQS is unavailable'), { name: 'ServiceUnavailable' });
      return next(args);
    },
    { step: 'initialize' },
  );
  return client;
}
