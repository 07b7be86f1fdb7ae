// Shared set-up for the deliver end-to-end tests: the local stack with Klaviyo settings of the test's choosing,
// messages put straight onto the deliver queue (as hydrate would), and readers for both of its DLQ forms.
import { readFile, rm } from 'node:fs/promises';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import {
  deadLetterV1Schema,
  type DeadLetterV1,
  type DeliverMessage,
} from '../../functions/shared/stage/contracts.ts';
import { createSqsQueue } from '../../functions/shared/stage/sqs-queue.ts';
import type { LocalStack, LocalStackOptions } from '../../local/stack.ts';
import { startLocalStackWithDocument } from '../helpers/local-stack.ts';

export interface DeliverStack {
  stack: LocalStack;
  enqueue(messages: readonly DeliverMessage[]): Promise<void>;
  /** Everything in the deliver DLQ now (received once and deleted, so each call sees new arrivals only). */
  drainDlq(): Promise<{ letters: DeadLetterV1[]; raw: string[] }>;
  /** Messages waiting in the deliver DLQ. */
  dlqDepth(): Promise<number>;
  /**
   * Moves every DLQ message back to the deliver queue, as a redrive does once the cause is fixed (a dead letter's
   * `original`, anything else as it is); returns what was in the DLQ.
   */
  redrive(): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startDeliverStack(
  klaviyo: Record<string, unknown>,
  options: Omit<LocalStackOptions, 'configFile' | 'env'> = {},
): Promise<DeliverStack> {
  const base = JSON.parse(await readFile('config/local.json', 'utf8')) as {
    klaviyo: Record<string, unknown>;
  };
  const { stack, dir } = await startLocalStackWithDocument(
    { ...base, klaviyo: { ...base.klaviyo, ...klaviyo } },
    options,
  );
  const { sqs, deliver } = stack.aws;
  const queue = createSqsQueue(sqs, deliver.url);

  async function receiveAll(url: string) {
    const bodies: string[] = [];
    for (;;) {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 30 }),
      );
      const messages = out.Messages ?? [];
      if (messages.length === 0) return bodies;
      for (const m of messages) {
        bodies.push(m.Body ?? '');
        await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
      }
    }
  }

  return {
    stack,
    async enqueue(messages) {
      const { failedIds } = await queue.sendBatch(
        messages.map((m, i) => ({ id: String(i), body: JSON.stringify(m), correlationId: m.correlation_id })),
      );
      if (failedIds.length > 0) throw new Error(`could not enqueue ${failedIds.length} messages`);
    },
    async drainDlq() {
      const raw = await receiveAll(deliver.dlqUrl);
      const letters = raw.flatMap((body) => {
        const parsed = deadLetterV1Schema().safeParse(JSON.parse(body));
        return parsed.success ? [parsed.data] : [];
      });
      return {
        letters,
        raw: raw.filter((body) => !deadLetterV1Schema().safeParse(JSON.parse(body)).success),
      };
    },
    async dlqDepth() {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: deliver.dlqUrl,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      );
      return Number(Attributes.ApproximateNumberOfMessages);
    },
    async redrive() {
      const bodies = await receiveAll(deliver.dlqUrl);
      for (const body of bodies) {
        const letter = deadLetterV1Schema().safeParse(JSON.parse(body));
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: deliver.url,
            MessageBody: letter.success ? letter.data.original : body,
          }),
        );
      }
      return bodies;
    },
    async stop() {
      await stack.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
