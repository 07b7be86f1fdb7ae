// Redrive benchmark (a script, not a test): a DLQ of N dead letters (default 10,000) redriven by the relay CLI
// against local mode's SQS emulator, as an operator runs it — with its progress bar when stderr is a terminal.
// Prints the time it took, the rate, and the proof that none was lost or sent twice: every letter's message id
// arrives on the stage's queue exactly once and the DLQ is empty.
//
//   npm run bench:redrive -- [--letters 10000] [--rate 1000]
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import type { DeadLetterV1 } from '../../functions/shared/stage/contracts.ts';
import { encodeMessageBody } from '../../functions/shared/stage/message-body.ts';
import { startLocalAws } from '../../local/emulators.ts';
import { writeStackFile } from '../../operations/stack-file.ts';
import { queueCounts } from '../../operations/queue-counts.ts';
import { parseEntryArgs } from '../../operations/entry-args.ts';

const { values } = parseEntryArgs(
  {
    command: 'npm run bench:redrive --',
    description:
      "Redrive benchmark: a DLQ of --letters dead letters redriven by the relay CLI against local mode's SQS\n" +
      'emulator; proves none was lost or sent twice.',
  },
  { letters: { type: 'string', default: '10000' }, rate: { type: 'string', default: '1000' } },
);
const letters = Number(values.letters);
const aws = await startLocalAws();
const dir = await mkdtemp(path.join(tmpdir(), 'bench-redrive-'));
try {
  // The dead letters: each the hydrate stage's letter around a distinct webhook.
  const started = Date.now();
  for (let i = 0; i < letters; i += 10) {
    const entries = Array.from({ length: Math.min(10, letters - i) }, (_, n) => {
      const id = `d-${i + n}`;
      const letter: DeadLetterV1 = {
        type: 'dead-letter',
        version: 1,
        stage: 'hydrate',
        reason: (i + n) % 3 === 0 ? 'source_api_404' : 'retries_exhausted',
        failed_at: new Date().toISOString(),
        attempts: 5,
        original: JSON.stringify({ type: 'webhook.received', version: 1, correlation_id: `demo:${id}` }),
      };
      return {
        Id: String(n),
        MessageBody: encodeMessageBody(letter),
        MessageAttributes: { correlation_id: { DataType: 'String', StringValue: `demo:${id}` } },
      };
    });
    await aws.sqs.send(new SendMessageBatchCommand({ QueueUrl: aws.hydrate.dlqUrl, Entries: entries }));
  }
  console.log(
    `${letters} dead letters in the hydrate DLQ (${((Date.now() - started) / 1000).toFixed(1)} s to fill)`,
  );

  const stackFile = path.join(dir, 'stack.json');
  await writeStackFile(stackFile, {
    queue_urls: { value: { hydrate: aws.hydrate.url, deliver: aws.deliver.url } },
    dlq_urls: { value: { hydrate: aws.hydrate.dlqUrl, deliver: aws.deliver.dlqUrl } },
    local_endpoints: { value: { sqs: aws.sqsEndpoint, s3: aws.sqsEndpoint, dynamodb: aws.dynamodbEndpoint } },
  });
  const redriveStarted = Date.now();
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--disable-warning=ExperimentalWarning',
        '--import',
        'tsx',
        'cli/relay.ts',
        'dlq',
        'redrive',
        'hydrate',
        '--rate',
        values.rate,
        '--stack',
        stackFile,
        '--json',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`relay exited ${code}`))));
  });
  const seconds = (Date.now() - redriveStarted) / 1000;
  const result = JSON.parse(output) as { matched: number; redriven: number; failed: number };

  // Every letter arrived once: drain the stage's queue and count the correlation ids.
  const seen = new Map<string, number>();
  for (;;) {
    const out = await aws.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: aws.hydrate.url,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        VisibilityTimeout: 300,
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) break;
    for (const m of messages) {
      const id = m.MessageAttributes?.correlation_id?.StringValue ?? '?';
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    await aws.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: aws.hydrate.url,
        Entries: messages.map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
  const dlq = await queueCounts(aws.sqs, aws.hydrate.dlqUrl);
  const left = dlq.waiting + dlq.inFlight;
  const twice = [...seen.values()].filter((n) => n > 1).length;
  console.log(
    `redrive (--rate ${values.rate}): ${result.redriven} of ${result.matched} redriven, ${result.failed} failed, in ${seconds.toFixed(1)} s (${(result.redriven / seconds).toFixed(0)}/s)`,
  );
  console.log(
    `on the hydrate queue: ${seen.size} distinct letters, ${twice} twice; lost: ${letters - seen.size}; left in the DLQ: ${left}`,
  );
  if (seen.size !== letters || twice > 0 || left > 0) process.exitCode = 1;
} finally {
  await aws.close();
  await rm(dir, { recursive: true, force: true });
}
