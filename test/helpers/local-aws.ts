// A fresh DynamoDB + SQS emulator pair for one test file, torn down after it.
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
