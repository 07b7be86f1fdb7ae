// Deliver benchmark (a script, not a test): a backlog of queued Klaviyo events delivered through the local
// pipeline — the real deliver handler behind pollers with the event source mapping's semantics (`--pollers` on
// each family's deliver queue, each message queued on its family's as hydrate sends it), the SQS
// emulator, and the Klaviyo mock enforcing the published rate limits (time-scaled, and reported as such).
//
//   npm run bench:deliver -- [--mode single|bulk|both] [--events 20000] [--time-scale 4] [--pollers 4]
//   npm run bench:deliver -- --mix [--events 20000 --profiles 5000 --subscriptions 2000] [--batch-size 10]
//   npm run bench:deliver -- --catalog [--events 20000 --products 10000 --variants-per 3] [--batch-size 10]
//
// Figures: delivered events a minute (in unscaled Klaviyo time) as a share of what the limits allow, and the
// share of requests Klaviyo answered 429; with --mix, per Klaviyo endpoint (deliver-mix.ts); with --catalog,
// catalog rows against the job limits beside the events (deliver-catalog-mix.ts). Writes nothing;
// docs/benchmarks.md records a run by hand.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createDeliverHandler } from '../../functions/deliver/handler.ts';
import { Metrics } from '../../functions/shared/metrics.ts';
import { PUBLISHED_LIMITS } from '../../functions/deliver/endpoint-pacers.ts';
import { klaviyoEventV1Schema, type KlaviyoEventV1 } from '../../functions/shared/stage/contracts.ts';
import { createSqsQueue } from '../../functions/shared/stage/sqs-queue.ts';
import { deliverFamilyUrls, startLocalAws, type LocalAws } from '../../local/emulators.ts';
import { deliverFamilyOf, deliverQueueKeyOf } from '../../functions/shared/stage/deliver-families.ts';
import {
  startKlaviyoMock,
  type RecordedEvent,
  type RecordedRequest,
} from '../../local/klaviyo-mock/index.ts';
import { startPoller } from '../../local/sqs/poller.ts';
import { queueCounts } from '../../operations/queue-counts.ts';
import { LOCAL_MODE_VARIABLE } from '../../functions/shared/secrets.ts';
import type { DeliverMessage } from '../../functions/shared/stage/contracts.ts';
import {
  mixBacklog,
  mixFigures,
  mixRecordsOf,
  reportMix,
  type MixCounts,
  type MixRecords,
} from './deliver-mix.ts';
import { parseEntryArgs } from '../../operations/entry-args.ts';
import {
  catalogBacklog,
  catalogFigures,
  catalogRecordsOf,
  reportCatalog,
  type CatalogCounts,
  type CatalogRecords,
} from './deliver-catalog-mix.ts';

// The handlers' JSON logs and EMF metrics would drown the figures.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

// Klaviyo and SQS are other machines in production: here they run in a worker thread, on the second core,
// so that their work is not charged to the deliver handler being measured.
interface Remote {
  sqs: SQSClient;
  /** Every family's deliver queue pair, by queue key. */
  deliverQueues: LocalAws['deliverQueues'];
  mockUrl: string;
  /** What the mock recorded. */
  ask<T>(question: 'results' | 'mix' | 'catalog'): Promise<T>;
  close(): Promise<void>;
}

interface Results {
  requests: { at: string; status: number; operation: RecordedRequest['operation'] | undefined }[];
  events: Pick<RecordedEvent, 'receivedAt' | 'uniqueId'>[];
}

if (!isMainThread) {
  const { timeScale, apiKey } = workerData as { timeScale: number; apiKey: string };
  const aws = await startLocalAws({ maxReceiveCount: 10, visibilityTimeoutSeconds: 120 });
  const mock = await startKlaviyoMock({ apiKey, timeScale, limits: 'published' });
  parentPort?.on('message', (question: string) => {
    if (question === 'results')
      parentPort?.postMessage({
        requests: mock.requests().map(({ at, status, operation }) => ({ at, status, operation })),
        events: mock.events().map(({ receivedAt, uniqueId }) => ({ receivedAt, uniqueId })),
      } satisfies Results);
    else if (question === 'mix') parentPort?.postMessage(mixRecordsOf(mock) satisfies MixRecords);
    else if (question === 'catalog') parentPort?.postMessage(catalogRecordsOf(mock) satisfies CatalogRecords);
    else
      void Promise.all([mock.close(), aws.close()]).then(() => {
        parentPort?.close();
      });
  });
  parentPort?.postMessage({ sqs: aws.sqsEndpoint, deliverQueues: aws.deliverQueues, mockUrl: mock.url });
}

async function startRemote(timeScale: number): Promise<Remote> {
  const worker = new Worker(new URL(import.meta.url), {
    execArgv: ['--disable-warning=ExperimentalWarning', '--import', 'tsx'],
    workerData: { timeScale, apiKey: API_KEY },
  });
  const ready = await new Promise<Pick<Remote, 'deliverQueues' | 'mockUrl'> & { sqs: string }>(
    (resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    },
  );
  const sqs = new SQSClient({
    endpoint: ready.sqs,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  let pending = Promise.resolve<unknown>(undefined);
  return {
    sqs,
    deliverQueues: ready.deliverQueues,
    mockUrl: ready.mockUrl,
    ask<T>(question: 'results' | 'mix' | 'catalog') {
      // One question at a time, so each answer matches its question.
      const answer = pending.then(
        () =>
          new Promise<T>((resolve) => {
            worker.once('message', resolve);
            worker.postMessage(question);
          }),
      );
      pending = answer.catch(() => undefined);
      return answer;
    },
    async close() {
      sqs.destroy();
      worker.postMessage('close');
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

const { values: args } = parseEntryArgs(
  {
    command: 'npm run bench:deliver --',
    description:
      'Deliver benchmark: a backlog of queued Klaviyo events delivered through the local pipeline into the\n' +
      'Klaviyo mock with the published rate limits (time-scaled). --mode single|bulk|both; --mix for every endpoint;\n' +
      '--catalog for product upserts (--products, --variants-per) beside the events.',
  },
  {
    mode: { type: 'string', default: 'both' },
    events: { type: 'string', default: '20000' },
    'time-scale': { type: 'string', default: '4' },
    'bulk-time-scale': { type: 'string', default: '1' },
    pollers: { type: 'string', default: '4' },
    'bulk-pollers': { type: 'string', default: '4' },
    mix: { type: 'boolean', default: false },
    profiles: { type: 'string', default: '5000' },
    subscriptions: { type: 'string', default: '2000' },
    'batch-size': { type: 'string', default: '10' },
    catalog: { type: 'boolean', default: false },
    products: { type: 'string', default: '10000' },
    'variants-per': { type: 'string', default: '3' },
  },
);

const API_KEY = 'pk_bench';
const SINGLE_CEILING_PER_MIN = PUBLISHED_LIMITS['/api/events']?.steady ?? 3_500;
const BULK_EVENTS_PER_REQUEST = 1_000;

interface RunOptions {
  mode: 'single' | 'bulk';
  events: number;
  timeScale: number;
  pollers: number;
  /** With a mix: the profile upserts and subscriptions queued beside the events, and the poller batch size. */
  mix?: MixCounts & { batchSize: number };
  /** With a catalog backlog (and a mix of no profiles nor subscriptions): the products queued beside the events. */
  catalog?: CatalogCounts;
}

interface RunResult extends RunOptions {
  delivered: number;
  seconds: number;
  perMinuteUnscaled: number;
  allowedPerMinuteUnscaled: number;
  requests: number;
  throttled: number;
  duplicates: number;
}

function backlogEvent(n: number): KlaviyoEventV1 {
  return klaviyoEventV1Schema().parse({
    type: 'klaviyo.event',
    version: 1,
    correlation_id: `bench:${n}`,
    source: 'bench',
    delivery_id: String(n),
    metric: 'Placed Order',
    profile: { email: `customer${n % 2_000}@example.com` },
    properties: {
      order_id: String(n),
      products_sku: ['TEE-RED-M', 'MUG-BLK'],
      products_price: [19.99, 12.5],
      products_count: 2,
      customer_first_name: 'Ada',
      address_city: 'London',
    },
    time: new Date(Date.UTC(2026, 10, 23, 10) + n * 1_000).toISOString(),
    value: 32.49,
    unique_id: `bench:${n}`,
  });
}

/** Queues the backlog in its order, each message on its family's deliver queue (as hydrate sends it). */
async function fill(remote: Remote, backlog: DeliverMessage[]): Promise<void> {
  const queues = Object.values(remote.deliverQueues);
  for (const pair of queues) {
    const queue = createSqsQueue(remote.sqs, pair.url);
    const mine = backlog.filter(
      (m) => remote.deliverQueues[deliverQueueKeyOf(deliverFamilyOf(m.type))] === pair,
    );
    const chunk = 500;
    for (let start = 0; start < mine.length; start += chunk) {
      const messages = mine.slice(start, start + chunk).map((message, i) => {
        return { id: String(i), body: JSON.stringify(message), correlationId: message.correlation_id };
      });
      const { failedIds } = await queue.sendBatch(messages);
      if (failedIds.length > 0) throw new Error(`could not enqueue ${failedIds.length} messages`);
    }
  }
}

async function queueDepth(remote: Remote): Promise<number> {
  // Delayed messages count: a message deferred for budget is on its way back, not done.
  let depth = 0;
  for (const pair of Object.values(remote.deliverQueues)) {
    const { waiting, inFlight, delayed } = await queueCounts(remote.sqs, pair.url);
    depth += waiting + inFlight + delayed;
  }
  return depth;
}

async function run(options: RunOptions): Promise<RunResult | string> {
  const { mode, events, timeScale, pollers, mix, catalog } = options;
  const remote = await startRemote(timeScale);
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-deliver-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    const configFile = path.join(dir, 'relay.json');
    await writeFile(
      configFile,
      JSON.stringify({
        version: 1,
        sources: {},
        klaviyo: {
          api_key: { env: 'KLAVIYO_API_KEY' },
          base_url: remote.mockUrl,
          // Pollers share one handler, so one pacer: one instance as far as the budget goes.
          max_concurrency: 1,
          rate_budget_share: 1,
          // Single mode: above any batch, so bulk is never used; a mix uses the bulk threshold of bulk mode.
          bulk_threshold: mode === 'bulk' || mix ? 24 : 10_000,
        },
      }),
    );
    const env = {
      [LOCAL_MODE_VARIABLE]: '1', // its configuration's `{ "env": … }` references are read, as in local mode
      RELAY_CONFIG_FILE: configFile,
      KLAVIYO_API_KEY: API_KEY,
      DELIVER_QUEUE_URL: remote.deliverQueues.deliver.url,
      DELIVER_DLQ_URL: remote.deliverQueues.deliver.dlqUrl,
      ...deliverFamilyUrls(remote),
      MAX_RECEIVE_COUNT: String(remote.deliverQueues.deliver.maxReceiveCount),
    };
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    const metrics = new Metrics({ namespace: 'bench', serviceName: 'bench', logger: quiet });
    // Deferrals (messages put back on the queue to wait for budget) are the price of a mixed queue: count them.
    let deferred = 0;
    const addMetric = metrics.addMetric.bind(metrics);
    metrics.addMetric = (name, unit, value, resolution) => {
      if (name === 'deferred') deferred += value;
      return addMetric(name, unit, value, resolution);
    };
    const handler = createDeliverHandler({ env, sqs: remote.sqs, metrics });

    const backlog = catalog
      ? catalogBacklog(catalog, backlogEvent)
      : mix
        ? mixBacklog(mix, backlogEvent)
        : Array.from({ length: events }, (_, n) => backlogEvent(n));
    process.stdout.write(
      `  ${catalog ? 'catalog' : mix ? 'mix' : mode}: queueing ${backlog.length} messages … `,
    );
    await fill(remote, backlog);
    const started = Date.now();
    process.stdout.write('queued; delivering …\n');

    // `pollers` on each family's queue: each queue's event source mapping scales on its own.
    for (const queue of Object.values(remote.deliverQueues))
      for (let i = 0; i < pollers; i++) {
        const poller = startPoller({
          sqs: remote.sqs,
          queueUrl: queue.url,
          queueArn: queue.arn,
          functionName: 'deliver',
          handler,
          ...(mode === 'bulk' ? { batchSize: BULK_EVENTS_PER_REQUEST, maxBatchingWindowMs: 1_000 } : {}),
          ...(mix && mix.batchSize > 10 ? { batchSize: mix.batchSize, maxBatchingWindowMs: 1_000 } : {}),
          waitTimeSeconds: 1,
          onError: (error) => console.error(`  poller: ${error.message}`),
        });
        stops.push(() => poller.stop());
      }

    // Done when the queues are empty: every message deleted, i.e. delivered (or dead-lettered, which the
    // figures would show). Only the queues are watched meanwhile: reading the mock's lists copies them.
    const deadline = Date.now() + 30 * 60_000;
    let lastReport = Date.now();
    for (;;) {
      const depth = await queueDepth(remote);
      if (depth === 0) break;
      if (Date.now() > deadline) throw new Error(`gave up after 30 minutes with ${depth} messages left`);
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        process.stdout.write(`    ${depth} messages left on the deliver queues\n`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    if (catalog) {
      const wall = (Date.now() - started) / 1_000;
      const records = await remote.ask<MixRecords>('mix');
      const figures = catalogFigures(
        records,
        await remote.ask<CatalogRecords>('catalog'),
        catalog,
        timeScale,
      );
      return reportCatalog({ ...figures, deferred }, wall, timeScale);
    }
    if (mix) {
      const wall = (Date.now() - started) / 1_000;
      const figures = mixFigures(await remote.ask<MixRecords>('mix'), mix, timeScale);
      return reportMix({ ...figures, deferred }, wall, timeScale);
    }
    const results = await remote.ask<Results>('results');
    const requests = results.requests.filter((r) => r.operation !== undefined);
    const first = Math.min(...requests.map((r) => Date.parse(r.at)));
    const lastEvent = Math.max(...results.events.map((e) => Date.parse(e.receivedAt)));
    const seconds = Math.max(0.001, (lastEvent - first) / 1_000);
    const perMinuteScaled = (results.events.length / seconds) * 60;
    const allowedScaled =
      mode === 'single'
        ? SINGLE_CEILING_PER_MIN * timeScale
        : (PUBLISHED_LIMITS['/api/event-bulk-create-jobs']?.steady ?? 150) *
          BULK_EVENTS_PER_REQUEST *
          timeScale;
    const unique = new Set(results.events.map((e) => e.uniqueId)).size;
    return {
      ...options,
      delivered: unique,
      seconds,
      perMinuteUnscaled: perMinuteScaled / timeScale,
      allowedPerMinuteUnscaled: allowedScaled / timeScale,
      requests: requests.length,
      throttled: requests.filter((r) => r.status === 429).length,
      duplicates: results.events.length - unique,
    };
  } finally {
    for (const stop of stops) await stop();
    await remote.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function report(result: RunResult): void {
  const share = result.perMinuteUnscaled / result.allowedPerMinuteUnscaled;
  const lines = [
    `mode ${result.mode}: ${result.delivered} events delivered in ${result.seconds.toFixed(1)} s wall time ` +
      `(time scale ${result.timeScale}, ${result.pollers} pollers)`,
    `  ${Math.round(result.perMinuteUnscaled).toLocaleString('en-US')} events/min in Klaviyo time; ` +
      `the limits allow ${Math.round(result.allowedPerMinuteUnscaled).toLocaleString('en-US')}/min → ${(share * 100).toFixed(1)}%`,
    `  ${result.requests} requests, ${result.throttled} answered 429 (${((result.throttled / Math.max(1, result.requests)) * 100).toFixed(2)}%), ` +
      `${result.duplicates} duplicate events recorded`,
  ];
  if (result.mode === 'bulk')
    lines.push(
      `  ${(result.perMinuteUnscaled / SINGLE_CEILING_PER_MIN).toFixed(1)}× the single-event ceiling of ${SINGLE_CEILING_PER_MIN.toLocaleString('en-US')}/min`,
    );
  console.log(lines.join('\n'));
}

if (isMainThread) {
  const events = Number(args.events);
  const modes = args.mode === 'both' ? (['single', 'bulk'] as const) : [args.mode as 'single' | 'bulk'];
  console.log(
    `bench-deliver: ${events} events, Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'})`,
  );
  if (args.catalog) {
    const catalog = { events, products: Number(args.products), variantsPer: Number(args['variants-per']) };
    const batchSize = Number(args['batch-size']);
    console.log(
      `  ${catalog.products} product upserts of 1 item and ${catalog.variantsPer} variants, batches of ${batchSize}`,
    );
    const mix = { events, profiles: 0, subscriptions: 0, batchSize };
    const timeScale = Number(args['time-scale']);
    console.log(
      await run({ mode: 'single', events, timeScale, pollers: Number(args.pollers), mix, catalog }),
    );
  }
  if (args.mix) {
    const mix = {
      events,
      profiles: Number(args.profiles),
      subscriptions: Number(args.subscriptions),
      batchSize: Number(args['batch-size']),
    };
    console.log(
      `  ${mix.profiles} profile upserts, ${mix.subscriptions} subscriptions, batches of ${mix.batchSize}`,
    );
    const timeScale = Number(args['time-scale']);
    console.log(await run({ mode: 'single', events, timeScale, pollers: Number(args.pollers), mix }));
  }
  for (const mode of args.mix || args.catalog ? [] : modes) {
    const result = await run({
      mode,
      events,
      timeScale: Number(mode === 'single' ? args['time-scale'] : args['bulk-time-scale']),
      pollers: Number(mode === 'single' ? args.pollers : args['bulk-pollers']),
    });
    if (typeof result !== 'string') report(result);
  }
}
