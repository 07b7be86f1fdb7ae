// Ingest benchmark against the local emulators (dynalite, fauxqs): the real handler, real SDK clients.
//   npm run bench:ingest > /dev/null      (figures go to stderr; the handler's JSON logs to stdout)
// 1. Handler time per single-event webhook (Shopify), after warm-up: p50 / p99 / max over N requests.
// 2. Wall time of one 1,000-event Klaviyo system webhook: verify, parse, 1,000 claims, 100 SQS batches,
//    1,000 confirms. Repeated a few times with fresh event ids.
// 3. Ten such requests at once, as Klaviyo may send them.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { relayConfigSchema, type SourceConfig } from '../../functions/shared/config/relay-config.ts';
import { createIngestHandler } from '../../functions/ingest/handler.ts';
import { startLocalAws } from '../../local/emulators.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import { signedHeaders } from '../../operations/sign.ts';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { startLocalAwsInWorker } from './emulator-worker.ts';
import { instantAws } from './instant-aws.ts';
import { LOCAL_MODE_VARIABLE } from '../../functions/shared/secrets.ts';
import { parseEntryArgs } from '../../operations/entry-args.ts';

const { values } = parseEntryArgs(
  {
    command: 'npm run bench:ingest --',
    description:
      'Ingest benchmark against the local emulators: handler time per webhook and the wall time of\n' +
      '1,000-event Klaviyo system webhooks (figures on stderr). --emulators worker|inline|instant.',
  },
  {
    /** `worker`: the emulators run in a worker thread (DynamoDB and SQS are elsewhere in AWS, too);
     *  `inline`: in this thread, so their CPU is charged to the handler's time;
     *  `instant`: no emulator, every call answered at once in process (ingest's own cost alone). */
    emulators: { type: 'string', default: 'worker' },
    requests: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '200' },
    'klaviyo-runs': { type: 'string', default: '5' },
  },
);
const requests = Number(values.requests);
const warmup = Number(values.warmup);
const klaviyoRuns = Number(values['klaviyo-runs']);

const SHOP_SECRET = 'bench-shopify-secret';
const KLAVIYO_SECRET = 'bench-klaviyo-secret-0123456789';
const config = relayConfigSchema().parse({
  version: 1,
  sources: {
    shop: { kind: 'shopify', secrets: [{ env: 'SHOP_SECRET' }] },
    klaviyo: { kind: 'klaviyo', secrets: [{ env: 'KLAVIYO_SECRET' }] },
  },
  klaviyo: { api_key: { env: 'KLAVIYO_API_KEY' } },
});
function sourceNamed(name: string): SourceConfig {
  const source = config.sources[name];
  if (!source) throw new Error(`bench configuration has no source ${name}`);
  return source;
}
const shop = sourceNamed('shop');
const klaviyoSource = sourceNamed('klaviyo');

const log = (line: string) => process.stderr.write(`${line}\n`);
const emulators = {
  inline: startLocalAws,
  worker: startLocalAwsInWorker,
  instant: () => Promise.resolve(instantAws()),
};
if (!Object.hasOwn(emulators, values.emulators))
  throw new Error(`--emulators must be one of ${Object.keys(emulators).join(', ')}, not ${values.emulators}`);
const aws = await emulators[values.emulators as keyof typeof emulators]();
const handler = createIngestHandler({
  env: {
    [LOCAL_MODE_VARIABLE]: '1', // its configuration's `{ "env": … }` references are read, as in local mode
    SHOP_SECRET,
    KLAVIYO_SECRET,
    KLAVIYO_API_KEY: 'pk_bench',
    DEDUPE_TABLE_NAME: aws.tableName,
    HYDRATE_QUEUE_URL: aws.hydrate.url,
  },
  sqs: aws.sqs,
  dynamodb: aws.dynamodb,
  loadConfig: () => Promise.resolve(config),
});

function event(source: string, body: Buffer, headers: Record<string, string>): APIGatewayProxyEventV2 {
  const requestId = randomUUID();
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/{source}',
    rawPath: `/webhooks/${source}`,
    rawQueryString: '',
    headers,
    pathParameters: { source },
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: 'bench.local',
      domainPrefix: 'bench',
      http: {
        method: 'POST',
        path: `/webhooks/${source}`,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'bench',
      },
      requestId,
      routeKey: 'POST /webhooks/{source}',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: body.toString('utf8'),
    isBase64Encoded: false,
  };
}

async function timed(source: string, body: Buffer, headers: Record<string, string>, expect: number) {
  const input = event(source, body, headers);
  const started = process.hrtime.bigint();
  const result = await handler(input, lambdaContext('ingest', input.requestContext.requestId));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.statusCode !== expect)
    throw new Error(`expected ${expect}, got ${result.statusCode}: ${result.body}`);
  return ms;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

// 1. Single-event webhooks.
const order = Buffer.from(
  JSON.stringify({
    id: 820982911946154500,
    email: 'ada@example.com',
    total_price: '199.00',
    line_items: [{ sku: 'TEE', quantity: 1 }],
  }),
);
const singleEvent = () => timed('shop', order, signedHeaders(shop, order, SHOP_SECRET), 202);
for (let i = 0; i < warmup; i++) await singleEvent();
const singles: number[] = [];
for (let i = 0; i < requests; i++) singles.push(await singleEvent());
singles.sort((a, b) => a - b);

// 2. One 1,000-event Klaviyo system webhook, several times.
function klaviyoRequest() {
  const webhookId = randomUUID().replaceAll('-', '');
  const data = Array.from({ length: 1000 }, (_, i) => ({
    external_id: randomUUID(),
    topic: i % 2 ? 'event:klaviyo.opened_email' : 'event:klaviyo.received_email',
    payload: {
      data: {
        type: 'event',
        id: `evt${i}`,
        attributes: {
          timestamp: 1700503941,
          event_properties: { 'Campaign Name': 'Winter sale', Subject: 'Hello', $message: `msg-${i}` },
          datetime: '2026-11-20 18:12:21+00:00',
          uuid: randomUUID(),
        },
        relationships: { profile: { data: { type: 'profile', id: '01HFAD5MDRT48NN8VN7H1NB0BH' } } },
      },
    },
  }));
  const body = Buffer.from(
    JSON.stringify({
      data,
      meta: {
        klaviyo_webhook_id: webhookId,
        timestamp: new Date().toISOString(),
        klaviyo_account_id: 'abc123',
        version: '2023-06-03',
      },
    }),
  );
  return { body, headers: signedHeaders(klaviyoSource, body, KLAVIYO_SECRET) };
}
const purge = () => aws.sqs.send(new PurgeQueueCommand({ QueueUrl: aws.hydrate.url }));
await purge();
const batches: number[] = [];
let bodyBytes = 0;
for (let i = 0; i < klaviyoRuns; i++) {
  const { body, headers } = klaviyoRequest();
  bodyBytes = body.length;
  batches.push(await timed('klaviyo', body, headers, 202));
  await purge();
}

// 3. Ten 1,000-event requests at once.
const ten = Array.from({ length: 10 }, klaviyoRequest);
const started = process.hrtime.bigint();
const concurrent = await Promise.all(ten.map(({ body, headers }) => timed('klaviyo', body, headers, 202)));
const tenWall = Number(process.hrtime.bigint() - started) / 1e6;

log(
  `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; emulators ${values.emulators}`,
);
log(`single-event webhook (shopify), ${requests} requests after ${warmup} warm-up:`);
log(
  `  p50 ${fmt(percentile(singles, 50))}  p99 ${fmt(percentile(singles, 99))}  max ${fmt(singles.at(-1) ?? NaN)}`,
);
log(`1,000-event Klaviyo system webhook (${(bodyBytes / 1024).toFixed(0)} KiB), ${klaviyoRuns} runs:`);
log(`  ${batches.map(fmt).join(', ')}`);
log(
  `ten 1,000-event requests at once: wall ${fmt(tenWall)}; slowest request ${fmt(Math.max(...concurrent))}`,
);
await aws.close();
