// Everything outside the relay, in a worker thread so that it runs on the other core (in production these are
// other companies' machines): the Klaviyo mock with its faults, the rate-limited source API, the other
// integration on the same Klaviyo account, and the webhooks' senders. The main thread runs the relay.
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { DEFAULT_KLAVIYO_REVISION } from '../../../functions/shared/config/relay-config.ts';
import { startKlaviyoMock } from '../../../local/klaviyo-mock/index.ts';
import { countedByLimiter, type SeenEvent, type SeenRequest } from './figures.ts';
import {
  OTHER_INTEGRATION_AGENT,
  startOtherIntegration,
  type OtherIntegration,
} from './other-integration.ts';
import { planSoak, seededRandom, type PlannedWebhook, type PlanOptions } from './plan.ts';
import { sendAll, type SendResults } from './sender.ts';
import { startSoakSourceApi } from './source-api.ts';
import { SOAK_MARKER, SOAK_SECRETS } from './sources.ts';

export interface OutsideSettings {
  apiKey: string;
  timeScale: number;
  seed: number;
  /** Klaviyo answers a share of Create Event requests 5xx without recording them … */
  fail5xx: number;
  /** … and a share 5xx after recording them (a lost answer). */
  failAfter: number;
  /** The other integration's share of the Create Event limit. */
  otherShare: number;
  sourceApiPerSecond: number;
}

/** Main → worker. */
export type OutsideCommand =
  { type: 'send'; gatewayUrl: string; plan: PlanOptions } | { type: 'finish' } | { type: 'close' };

/** Worker → main. */
export type OutsideReport =
  | { type: 'ready'; klaviyoUrl: string; sourceApiUrl: string }
  | { type: 'planned'; planned: PlannedWebhook[]; deliveries: number }
  | { type: 'progress'; sent: number }
  | { type: 'sent'; results: SendResults }
  | { type: 'finished'; outcome: OutsideOutcome };

export interface OutsideOutcome {
  events: SeenEvent[];
  requests: SeenRequest[];
  otherStatuses: Record<number, number>;
  sourceApi: { ok: number; throttled: number; notFound: number };
}

const CREATE_EVENT_PER_MINUTE = 3_500;
const RELAY_AGENT = /^klaviyo-webhook-relay\//;

async function runOutside(settings: OutsideSettings, port: NonNullable<typeof parentPort>): Promise<void> {
  const report = (message: OutsideReport) => port.postMessage(message);
  const mock = await startKlaviyoMock({
    apiKey: settings.apiKey,
    timeScale: settings.timeScale,
    limits: 'published',
    random: seededRandom(settings.seed + 1),
  });
  if (settings.fail5xx > 0) mock.inject({ status: 503, probability: settings.fail5xx, path: '/api/events' });
  if (settings.failAfter > 0)
    mock.inject({ status: 503, probability: settings.failAfter, phase: 'after', path: '/api/events' });
  const sourceApi = await startSoakSourceApi({
    perSecond: settings.sourceApiPerSecond,
    token: SOAK_SECRETS.SOAK_BIGCOMMERCE_API_TOKEN ?? '',
  });
  let other: OtherIntegration | undefined;

  port.on('message', (command: OutsideCommand) => {
    if (command.type === 'send') {
      other = startOtherIntegration({
        klaviyoUrl: mock.url,
        apiKey: settings.apiKey,
        revision: DEFAULT_KLAVIYO_REVISION,
        perMinute: CREATE_EVENT_PER_MINUTE * settings.otherShare * settings.timeScale,
      });
      const { deliveries, planned } = planSoak(command.plan, Date.now());
      report({ type: 'planned', planned, deliveries: deliveries.length });
      let lastProgress = 0;
      void sendAll(deliveries, {
        webhookUrl: (source) => `${command.gatewayUrl}/webhooks/${source}`,
        sourceApiUrl: sourceApi.url,
        concurrency: command.plan.concurrency,
        onProgress: (sent) => {
          if (sent - lastProgress >= 500) {
            lastProgress = sent;
            report({ type: 'progress', sent });
          }
        },
      }).then((results) => report({ type: 'sent', results }));
    } else if (command.type === 'finish') {
      void (async () => {
        await other?.stop();
        const events = mock.events().map((e) => {
          const marker = e.properties[SOAK_MARKER];
          return {
            webhook: typeof marker === 'number' ? marker : null,
            uniqueId: e.uniqueId,
            at: Date.parse(e.receivedAt),
          };
        });
        const requests = mock
          .requests()
          .filter((r) => r.operation === 'create_event')
          .map((r): SeenRequest => ({
            at: Date.parse(r.at),
            status: r.status,
            client: RELAY_AGENT.test(r.userAgent ?? '')
              ? 'relay'
              : r.userAgent === OTHER_INTEGRATION_AGENT
                ? 'other'
                : 'unknown',
            counted: countedByLimiter(r.status, r.fault),
          }));
        report({
          type: 'finished',
          outcome: { events, requests, otherStatuses: other?.statuses() ?? {}, sourceApi: sourceApi.stats() },
        });
      })();
    } else {
      void Promise.all([mock.close(), sourceApi.close()]).then(() => port.close());
    }
  });
  report({ type: 'ready', klaviyoUrl: mock.url, sourceApiUrl: sourceApi.url });
}

if (parentPort && (workerData as { soakOutside?: boolean } | null)?.soakOutside) {
  await runOutside((workerData as { settings: OutsideSettings }).settings, parentPort);
}

/** Starts the worker; `on` receives its reports. */
export function startOutside(settings: OutsideSettings, on: (report: OutsideReport) => void) {
  const worker = new Worker(new URL(import.meta.url), {
    execArgv: ['--disable-warning=ExperimentalWarning', '--import', 'tsx'],
    workerData: { soakOutside: true, settings },
  });
  worker.on('message', on);
  worker.on('error', (error) => {
    console.error(`outside worker: ${error.message}`);
    process.exitCode = 1;
  });
  return {
    command: (command: OutsideCommand) => worker.postMessage(command),
    exited: new Promise<void>((resolve) => worker.once('exit', () => resolve())),
  };
}
