// One scenario of the memory benchmark (scripts/bench/memory.ts bundles this file with the hydrate handler, as Lambda
// runs it, and starts it in a fresh Node process): one batch through the real handler, with SQS, S3 and the source
// API faked in process, and the process's peak RSS printed as a JSON line.
// Each record is a claim check whose 5 MiB webhook is built only when hydrate reads it from "S3", and a source API
// answer only when fetched, so what the process holds is what hydrate holds.
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { createHydrateHandler } from '../../functions/hydrate/handler.ts';
import { relayConfigSchema } from '../../functions/shared/config/relay-config.ts';
import { lambdaContext } from '../../local/lambda-context.ts';

const MIB = 1_048_576;
/** The largest webhook a source may take (max_body_bytes' ceiling) and the largest source API answer (per call). */
const WORST_BYTES = 5 * MIB;
const QUEUE = 'http://sqs.local/000000000000';

export type Scenario = 'webhooks' | 'events' | 'answers';
const scenario = (process.argv[2] ?? 'webhooks') as Scenario;
const batchSize = Number(process.argv[3] ?? 10);

/** A 5 MiB order: 40 notes of ~99 KB (Klaviyo's longest string) and 200 small line items. */
function bigOrder(id: number): string {
  const notes = Object.fromEntries(
    Array.from({ length: 40 }, (_, i) => [`note_${i}`, `${id}-${i}-`.padEnd(99_000, 'n')]),
  );
  const items = Array.from({ length: 200 }, (_, i) => ({ id: i + 1, sku: `SKU-${i}`, quantity: 1 }));
  const text = JSON.stringify({ id, email: `buyer${id}@example.com`, ...notes, line_items: items });
  // Padded to exactly the worst case with one more field (the rest of a real order would be there).
  return text.slice(0, -1) + `,"padding":"${'p'.repeat(WORST_BYTES - text.length - 13)}"}`;
}

const envelope = (id: number) =>
  `{"type":"webhook.received","version":1,"correlation_id":"app:w${id}","source":"app","delivery_id":"w${id}",` +
  `"event_type":"order.created","received_at":"2026-12-07T10:00:00.000Z","meta":{},"payload":`;

/** The webhook.received message a claim check names: built when read, as S3 would stream it in. */
function receivedMessage(id: number): string {
  return envelope(id) + (scenario === 'answers' ? JSON.stringify(skuOrder(id)) : bigOrder(id)) + '}';
}

/** Its size, without building it (the 5 MiB are not held before the batch starts). */
const receivedBytes = (id: number) =>
  Buffer.byteLength(envelope(id)) +
  (scenario === 'answers' ? Buffer.byteLength(JSON.stringify(skuOrder(id))) : WORST_BYTES) +
  1;

/** A small order whose 250 products are each fetched (for_each's max_items). */
const skuOrder = (id: number) => ({
  id,
  email: `buyer${id}@example.com`,
  skus: Array.from({ length: 250 }, (_, i) => `p${i}`),
});

/**
 * A source API answer of just under 5 MiB (one product with a long description), streamed in 64 KiB pieces made
 * as they are read, as the network would deliver them.
 */
function productAnswer(): ReadableStream<Uint8Array> {
  const head = new TextEncoder().encode('{"product":{"id":1,"description":"');
  const tail = new TextEncoder().encode('"}}');
  const piece = new Uint8Array(64 * 1024).fill(0x64);
  let left = WORST_BYTES - 64 - head.length - tail.length;
  let started = false;
  return new ReadableStream({
    pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(head);
      } else if (left > 0) {
        controller.enqueue(piece.slice(0, Math.min(left, piece.length)));
        left -= piece.length;
      } else {
        controller.enqueue(tail);
        controller.close();
      }
    },
  });
}

const mappings: Record<Scenario, unknown> = {
  // The default mapping: one event, the order flattened (strings clipped to 100 KB, at most 400 properties).
  webhooks: { metric: 'Placed Order', profile: { email: ['event.email'] } },
  // An event per line item, each carrying the whole order: the 1 MB → 203 MB case of issue 18, at 5 MiB.
  events: {
    profile: { email: ['event.email'] },
    events: [
      {
        id: 'line',
        metric: 'Ordered Product',
        for_each: 'event.line_items',
        key: 'item.sku',
        include: ['event', 'item'],
      },
    ],
  },
  answers: { metric: 'Placed Order', profile: { email: ['event.email'] }, include: ['event', 'products'] },
};

const config = relayConfigSchema().parse({
  version: 1,
  sources: {
    app: {
      kind: 'token',
      secrets: [{ env: 'S' }],
      ...(scenario === 'answers' && {
        hydration: {
          base_url: 'https://api.example.com',
          auth: { header: 'authorization', secret: { env: 'T' } },
          steps: [
            {
              name: 'products',
              path: '/products/{sku}',
              for_each: { items: 'event.skus', as: 'sku', concurrency: 10, max_items: 250 },
              pick: 'product.description',
            },
          ],
        },
      }),
      mapping: mappings[scenario],
    },
  },
  klaviyo: { api_key: { env: 'K' } },
});

const outcome = {
  delivered: 0,
  deliveredBytes: 0,
  deadLettered: {} as Record<string, number>,
  deferred: 0,
  stored: 0,
};
const sqs = {
  send: (command: unknown) => {
    if (command instanceof SendMessageBatchCommand) {
      for (const entry of command.input.Entries ?? []) {
        outcome.delivered++;
        outcome.deliveredBytes += Buffer.byteLength(entry.MessageBody ?? '');
      }
      return Promise.resolve({ Successful: [], Failed: [] });
    }
    if (command instanceof SendMessageCommand && command.input.QueueUrl === `${QUEUE}/hydrate-dlq`) {
      const reason = /"reason":"([^"]+)"/.exec(command.input.MessageBody ?? '')?.[1] ?? '?';
      outcome.deadLettered[reason] = (outcome.deadLettered[reason] ?? 0) + 1;
    }
    if (command instanceof SendMessageCommand && command.input.QueueUrl === `${QUEUE}/hydrate`)
      outcome.deferred++;
    return Promise.resolve({});
  },
} as unknown as SQSClient;
const s3 = {
  send: (command: unknown) => {
    if (command instanceof GetObjectCommand) {
      const id = Number(/w(\d+)\.json$/.exec(command.input.Key ?? '')?.[1]);
      const body = receivedMessage(id);
      return Promise.resolve({ Body: { transformToString: () => Promise.resolve(body) } });
    }
    outcome.stored++;
    return Promise.resolve({});
  },
} as unknown as S3Client;

const handler = createHydrateHandler({
  env: {
    HYDRATE_QUEUE_URL: `${QUEUE}/hydrate`,
    HYDRATE_DLQ_URL: `${QUEUE}/hydrate-dlq`,
    DELIVER_QUEUE_URL: `${QUEUE}/deliver`,
    MAX_RECEIVE_COUNT: '5',
    CLAIM_CHECK_BUCKET: 'payloads',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '256',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  },
  sqs,
  s3,
  fetch: () =>
    Promise.resolve(new Response(productAnswer(), { headers: { 'content-type': 'application/json' } })),
  loadConfig: () => Promise.resolve(config),
  resolveSecret: () => Promise.resolve('secret'),
});

/** Records whose bodies are claim checks: the 5 MiB webhooks travel through the payload bucket. */
function claimCheckedBatch(): SQSEvent {
  return {
    Records: Array.from({ length: batchSize }, (_, id) => {
      const bytes = receivedBytes(id);
      const body = JSON.stringify({
        type: 'claim-check',
        version: 1,
        correlation_id: `app:w${id}`,
        claim_check: { bucket: 'payloads', key: `ingest/app/x/w${id}.json`, bytes },
      });
      return {
        messageId: `m${id}`,
        receiptHandle: `rh${id}`,
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '0',
          SenderId: 'bench',
          ApproximateFirstReceiveTimestamp: '0',
        },
        messageAttributes: { correlation_id: { stringValue: `app:w${id}`, dataType: 'String' } },
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:hydrate',
        awsRegion: 'us-east-1',
      };
    }),
  };
}

const event = claimCheckedBatch();
globalThis.gc?.();
const baselineMb = process.memoryUsage.rss() / MIB;
const started = performance.now();
const response = await handler(event, lambdaContext('hydrate', `bench-${scenario}`, 300_000));
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    scenario,
    batchSize,
    baselineMb: Math.round(baselineMb),
    peakMb: Math.round(process.resourceUsage().maxRSS / 1024),
    seconds: Number(seconds.toFixed(2)),
    failures: response.batchItemFailures.length,
    ...outcome,
  }),
);
