// The local SQS emulator with a real SDK client for it, for the tests that drive SQS semantics directly.
import { SQSClient } from '@aws-sdk/client-sqs';
import { startSqsEmulator, type SqsEmulator } from '../../local/sqs/emulator.ts';

export interface SqsWithClient {
  emulator: SqsEmulator;
  sqs: SQSClient;
}

export async function startSqsWithClient(): Promise<SqsWithClient> {
  const emulator = await startSqsEmulator();
  const sqs = new SQSClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return { emulator, sqs };
}

export async function stopSqsWithClient({ emulator, sqs }: SqsWithClient): Promise<void> {
  sqs.destroy();
  await emulator.close();
}
