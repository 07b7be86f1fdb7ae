// Soak benchmark (a script, not a test): the promise that no valid webhook is lost, at scale. N distinct signed
// webhooks from six source kinds, 10% of them sent twice, go through local mode — the real pipeline as
// `npm start` runs it (local/stack.ts) — into the Klaviyo mock with the published limits, time-scaled, while
// Klaviyo fails 5% of Create Event requests before recording them and 2% after, another integration takes ~20%
// of the same account's budget, and BigCommerce's thin webhooks are hydrated from a source API that rate-limits.
// A few Stripe webhooks carry a 1985 timestamp, which Klaviyo refuses: the only dead letters expected.
//
//   npm run bench:soak -- [--webhooks 10000] [--time-scale 1] [--resend 0.1] [--permanent 5] [--seed 1]
//                         [--fail-5xx 0.05] [--fail-after 0.02] [--other-share 0.2] [--budget-share 0.8]
//                         [--source-api-rps 10] [--senders 16] [--pollers 2] [--hydrate-pollers 2]
//                         [--timeout-minutes 30] [--timeline]
//
// Prints accepted, recorded, lost, recorded twice, dead-lettered by reason, 429s, time to drain, and delivered
// events/min in Klaviyo's (unscaled) time as a share of the budget the other integration leaves. Writes nothing;
// docs/benchmarks.md records a run by hand. SOAK_LOG_LEVEL=INFO adds the handlers' log lines (to stdout), to
// follow one webhook through the stages.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { deadLetterV1Schema } from '../../functions/shared/stage/contracts.ts';
import { backoffSeconds } from '../../functions/shared/stage/attempts.ts';
import { PUBLISHED_LIMITS } from '../../functions/deliver/endpoint-pacers.ts';
import { startLocalStack, type LocalStack } from '../../local/stack.ts';
import { soakFigures, type RateFigures, type SeenDeadLetter, type SoakFigures } from './soak/figures.ts';
import { startOutside, type OutsideOutcome, type OutsideReport } from './soak/outside.ts';
import type { PlannedWebhook } from './soak/plan.ts';
import type { SendResults } from './soak/sender.ts';
import { SOAK_SECRETS, soakSources } from './soak/sources.ts';
import { queueCounts } from '../../operations/queue-counts.ts';
import { parseEntryArgs } from '../../operations/entry-args.ts';

// The handlers' JSON logs and EMF metrics would drown the figures (SOAK_LOG_LEVEL asks for the logs).
process.env.POWERTOOLS_LOG_LEVEL = process.env.SOAK_LOG_LEVEL ?? 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
// Powertools Metrics still warns once per invocation that added none, even when disabled. In dev mode it writes
// through the global console, so that one line can be dropped here; nothing else is.
process.env.POWERTOOLS_DEV = 'true';
const warn = console.warn.bind(console);
console.warn = (...parts: unknown[]) => {
  if (typeof parts[0] === 'string' && parts[0].startsWith('No application metrics to publish')) return;
  warn(...parts);
};

const { values: args } = parseEntryArgs(
  {
    command: 'npm run bench:soak --',
    description:
      'Soak benchmark: distinct signed webhooks from six source kinds through local mode into the Klaviyo mock,\n' +
      'with failures and rate limits; proves no valid webhook is lost.',
  },
  {
    webhooks: { type: 'string', default: '10000' },
    'time-scale': { type: 'string', default: '1' },
    resend: { type: 'string', default: '0.1' },
    permanent: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    'fail-5xx': { type: 'string', default: '0.05' },
    'fail-after': { type: 'string', default: '0.02' },
    'other-share': { type: 'string', default: '0.2' },
    'budget-share': { type: 'string', default: '0.8' },
    'source-api-rps': { type: 'string', default: '10' },
    senders: { type: 'string', default: '16' },
    pollers: { type: 'string', default: '2' },
    'hydrate-pollers': { type: 'string', default: '2' },
    'timeout-minutes': { type: 'string', default: '30' },
    /** Also print, per steady window, the relay's and the other integration's counted requests. */
    timeline: { type: 'boolean', default: false },
  },
);
const num = (name: keyof typeof args) => {
  const value = Number(args[name]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number ≥ 0`);
  return value;
};

const API_KEY = 'pk_soak';
/** The deliver mapping's batch size in local mode (local/stack.ts default). */
const DELIVER_BATCH_SIZE = 10;
const LIMIT_PER_MINUTE = PUBLISHED_LIMITS['/api/events']?.steady ?? 3_500;
const timeScale = num('time-scale');
const webhookCount = Math.round(num('webhooks'));

/** What the relay is configured with: the six soak sources and Klaviyo at the budget share it may use. */
function relayConfig(sourceApiUrl: string) {
  return {
    version: 1,
    sources: soakSources(sourceApiUrl),
    klaviyo: {
      api_key: { env: 'KLAVIYO_API_KEY' },
      base_url: '${KLAVIYO_BASE_URL}',
      // The other integration's part is kept for it; the rest is the relay's.
      rate_budget_share: num('budget-share'),
      // The deliver pollers share one handler, hence one pacer: one instance as far as the budget goes.
      max_concurrency: 1,
    },
  };
}

/** Messages on a queue: waiting, in flight and delayed (deferred ones are re-sent with a delay). */
/** What waits on the queues at `urls` together (one stage's: hydrate's, or every family's deliver queue). */
async function queueDepth(
  sqs: SQSClient,
  ...urls: string[]
): Promise<{ total: number; waiting: number; text: string }> {
  let [waiting, inFlight, delayed] = [0, 0, 0];
  for (const url of urls) {
    const counts = await queueCounts(sqs, url);
    waiting += counts.waiting;
    inFlight += counts.inFlight;
    delayed += counts.delayed;
  }
  return {
    total: waiting + inFlight + delayed,
    waiting,
    text: `${waiting + inFlight + delayed} (${waiting} waiting, ${inFlight} in flight, ${delayed} delayed)`,
  };
}

/** Every letter in a DLQ, read from its DeadLetterV1 body (and hidden while we read, so each is read once). */
async function readDeadLetters(sqs: SQSClient, url: string): Promise<SeenDeadLetter[]> {
  const letters: SeenDeadLetter[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }),
    );
    if (Messages.length === 0) return letters;
    for (const message of Messages) {
      const parsed = deadLetterV1Schema().safeParse(JSON.parse(message.Body ?? 'null'));
      if (!parsed.success) {
        letters.push({ stage: 'unknown', reason: 'not a DeadLetterV1' });
        continue;
      }
      const letter = parsed.data;
      const seen: SeenDeadLetter = { stage: letter.stage, reason: letter.reason };
      if (letter.last_error) seen.lastErrorReason = letter.last_error.reason;
      try {
        const original = JSON.parse(letter.original) as { source?: unknown; delivery_id?: unknown };
        if (typeof original.source === 'string' && typeof original.delivery_id === 'string')
          seen.uniqueId = `${original.source}:${original.delivery_id}`;
      } catch {
        // A claim check or an unreadable body: counted, not matched to a webhook.
      }
      letters.push(seen);
    }
  }
}

function waitFor<T extends OutsideReport['type']>(
  reports: OutsideReport[],
  type: T,
  timeoutMs: number,
): Promise<Extract<OutsideReport, { type: T }>> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      const found = reports.find((r): r is Extract<OutsideReport, { type: T }> => r.type === type);
      if (found) return resolve(found);
      if (Date.now() > deadline) return reject(new Error(`no ${type} report from the outside worker`));
      setTimeout(check, 100);
    };
    check();
  });
}

function rateLines(title: string, rate: RateFigures, period: string): string[] {
  const n = (value: number) => Math.round(value).toLocaleString('en-US');
  return [
    `${title.padEnd(18)}${rate.seconds.toFixed(1)} s wall (${((rate.seconds * timeScale) / 60).toFixed(2)} min Klaviyo time), ${period}`,
    `  delivered ${n(rate.relayPerMinute)} events/min (${n(rate.events)} events); the other integration used ` +
      `${n(rate.otherPerMinute)}/min of ${n(LIMIT_PER_MINUTE)}/min → budget left ${n(rate.budgetLeftPerMinute)}/min; ` +
      `share ${(rate.share * 100).toFixed(1)}%`,
  ];
}

function report(figures: SoakFigures, send: SendResults, outcome: OutsideOutcome, planned: PlannedWebhook[]) {
  const n = (value: number) => Math.round(value).toLocaleString('en-US');
  const permanent = planned.filter((p) => p.permanent).length;
  const deadLettered = Object.entries(figures.deadLettered)
    .map(([reason, count]) => `${reason}: ${count}`)
    .join(', ');
  const answers = Object.entries(send.answers)
    .sort()
    .map(([key, count]) => `${key}: ${count}`)
    .join(', ');
  const other = Object.entries(outcome.otherStatuses)
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
  const lines = [
    `webhooks          ${n(figures.webhooks)} distinct (${permanent} with a time Klaviyo refuses), ${n(send.answers ? Object.values(send.answers).reduce((a, b) => a + b, 0) : 0)} deliveries`,
    `  senders' final answers: ${answers}; ${n(send.retried)} attempts retried (409/5xx)`,
    `accepted          ${n(figures.accepted)}`,
    `recorded          ${n(figures.recorded)} (in Klaviyo, once per webhook)`,
    `lost              ${figures.lost.length}${figures.lost.length ? ` (webhooks ${figures.lost.slice(0, 20).join(', ')})` : ''}`,
    `recorded twice    ${figures.recordedTwice.length}${figures.recordedTwice.length ? ` (webhooks ${figures.recordedTwice.slice(0, 20).join(', ')})` : ''}`,
    `dead-lettered     ${Object.values(figures.deadLettered).reduce((a, b) => a + b, 0)}${deadLettered ? ` — ${deadLettered}` : ''}`,
    `  not the injected permanent errors: ${figures.deadLetteredUnexpected}; injected ones not dead-lettered: ${figures.permanentNotDeadLettered}`,
    `429s              relay ${figures.throttled.relay} of ${n(figures.relayRequests)} Create Event requests; other integration ${figures.throttled.other}; source API ${outcome.sourceApi.throttled} of ${n(outcome.sourceApi.ok + outcome.sourceApi.throttled)}`,
    `time to drain     ${figures.drainSeconds.toFixed(1)} s wall from the first webhook sent (${((figures.drainSeconds * timeScale) / 60).toFixed(1)} min in Klaviyo time)`,
    ...rateLines(
      'while backlogged',
      figures.backlogged,
      'first relay request to the end of the deliver backlog',
    ),
    ...rateLines(
      'whole delivery',
      figures.whole,
      'first relay request to the last event, retry tail included',
    ),
    `other integration answers: ${other}`,
  ];
  console.log(lines.join('\n'));
  const met =
    figures.lost.length === 0 &&
    figures.recordedTwice.length === 0 &&
    figures.deadLetteredUnexpected === 0 &&
    figures.permanentNotDeadLettered === 0 &&
    figures.backlogged.share >= 0.9;
  console.log(
    `target (0 lost, 0 twice, only injected dead letters, share while backlogged ≥ 90%): ${met ? 'met' : 'NOT met'}`,
  );
}

/** Requests by client per steady window (60 s of Klaviyo time), from the first webhook sent: where time went. */
function printTimeline(outcome: OutsideOutcome, startedAt: number): void {
  const windowMs = 60_000 / timeScale;
  const rows = new Map<
    number,
    { relay: number; other: number; throttled: number; failed: number; events: number }
  >();
  const row = (at: number) => {
    const index = Math.floor((at - startedAt) / windowMs);
    let found = rows.get(index);
    if (!found) rows.set(index, (found = { relay: 0, other: 0, throttled: 0, failed: 0, events: 0 }));
    return found;
  };
  for (const r of outcome.requests) {
    const counts = row(r.at);
    if (r.status === 429) counts.throttled += 1;
    else if (r.status >= 500) counts.failed += 1;
    if (r.counted && r.client === 'relay') counts.relay += 1;
    if (r.counted && r.client === 'other') counts.other += 1;
  }
  for (const e of outcome.events) if (e.webhook !== null) row(e.at).events += 1;
  console.log('window (Klaviyo minute): relay counted / other counted / relay events recorded / 429 / 5xx');
  for (const [index, c] of [...rows].sort(([a], [b]) => a - b))
    console.log(`  ${index}: ${c.relay} / ${c.other} / ${c.events} / ${c.throttled} / ${c.failed}`);
}

async function main(): Promise<void> {
  console.log(
    `bench-soak: ${webhookCount} webhooks, time scale ${timeScale}, Node ${process.version}, ` +
      `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}, ${new Date().toISOString()}`,
  );
  const reports: OutsideReport[] = [];
  const outside = startOutside(
    {
      apiKey: API_KEY,
      timeScale,
      seed: num('seed'),
      fail5xx: num('fail-5xx'),
      failAfter: num('fail-after'),
      otherShare: num('other-share'),
      sourceApiPerSecond: num('source-api-rps'),
    },
    (message) => {
      if (message.type === 'progress') process.stdout.write(`  sent ${message.sent} …\n`);
      reports.push(message);
    },
  );
  const ready = await waitFor(reports, 'ready', 60_000);
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-soak-'));
  let stack: LocalStack | undefined;
  try {
    const configFile = path.join(dir, 'relay.json');
    await writeFile(configFile, JSON.stringify(relayConfig(ready.sourceApiUrl)));
    stack = await startLocalStack({
      configFile,
      env: { ...SOAK_SECRETS },
      klaviyo: { baseUrl: ready.klaviyoUrl, apiKey: API_KEY },
      hydrate: { pollers: Math.round(num('hydrate-pollers')) },
      deliver: {
        pollers: Math.round(num('pollers')),
        // Retries wait Klaviyo time too: the module's 10 s, 20 s … backoff, shortened by the time scale.
        backoff: (attempts) => Math.max(1, Math.ceil(backoffSeconds(attempts) / timeScale)),
      },
    });
    const { aws } = stack;

    outside.command({
      type: 'send',
      gatewayUrl: stack.webhookUrl('').replace(/\/webhooks\/$/, ''),
      plan: {
        webhooks: webhookCount,
        resendShare: num('resend'),
        permanent: Math.round(num('permanent')),
        seed: num('seed'),
        concurrency: Math.round(num('senders')),
      },
    });
    const planned = (await waitFor(reports, 'planned', 120_000)).planned;
    const sendStartedAt = Date.now();

    // Drained: every webhook sent and answered, and both stages' queues empty (nothing waiting, delayed or in
    // flight) twice in a row.
    const deadline = sendStartedAt + num('timeout-minutes') * 60_000;
    let lastProgress = Date.now();
    let emptyChecks = 0;
    let backlogEndedAt = 0;
    for (;;) {
      const sent = reports.some((r) => r.type === 'sent');
      const [hydrate, deliver] = await Promise.all([
        queueDepth(aws.sqs, aws.hydrate.url),
        queueDepth(aws.sqs, ...Object.values(aws.deliverQueues).map((q) => q.url)),
      ]);
      // A backlog: at least a full batch waiting that no poller has taken.
      if (deliver.waiting >= DELIVER_BATCH_SIZE) backlogEndedAt = Date.now();
      emptyChecks = sent && hydrate.total + deliver.total === 0 ? emptyChecks + 1 : 0;
      if (emptyChecks >= 2) break;
      if (Date.now() > deadline)
        throw new Error(`gave up: hydrate queue ${hydrate.text}, deliver queue ${deliver.text}`);
      if (Date.now() - lastProgress >= 10_000) {
        lastProgress = Date.now();
        console.log(
          `  ${((Date.now() - sendStartedAt) / 1_000).toFixed(0)} s: hydrate queue ${hydrate.text}, ` +
            `deliver queue ${deliver.text}${sent ? ', all sent' : ''}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const drainedAt = Date.now();
    const send = (await waitFor(reports, 'sent', 1_000)).results;
    const deadLetters = [
      ...(await readDeadLetters(aws.sqs, aws.hydrate.dlqUrl)),
      ...(
        await Promise.all(Object.values(aws.deliverQueues).map((q) => readDeadLetters(aws.sqs, q.dlqUrl)))
      ).flat(),
    ];
    outside.command({ type: 'finish' });
    const { outcome } = await waitFor(reports, 'finished', 120_000);

    const figures = soakFigures({
      planned,
      accepted: send.accepted,
      events: outcome.events,
      requests: outcome.requests,
      deadLetters,
      timeScale,
      limitPerMinute: LIMIT_PER_MINUTE,
      sendStartedAt: send.startedAt,
      drainedAt,
      backlogEndedAt,
    });
    report(figures, send, outcome, planned);
    if (args.timeline) printTimeline(outcome, send.startedAt);
  } finally {
    await stack?.stop();
    outside.command({ type: 'close' });
    await outside.exited;
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
