// `map`: what the relay would send Klaviyo for one webhook, without deploying — the webhook parsed as ingest
// parses it (the source kind's own reading of headers and body), hydrated and mapped by hydrate's own use case
// (hydrateEvent), and the messages turned into Klaviyo requests by deliver's request builders (consent writes,
// which deliver gathers into subscription jobs, are printed as the messages hydrate makes). Source APIs are
// answered from recorded responses (--responses) or called live. The configuration it maps with:
// ../map/map-config.ts; the webhook as ingest would enqueue it: ../map/received-message.ts.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { planConsentJobs } from '../../functions/deliver/consent-jobs.ts';
import { catalogRequestsFor } from '../map/catalog-requests.ts';
import { recordAndBackInStockRequestsFor } from '../map/state-requests.ts';
import {
  createEventBody,
  KLAVIYO_PATHS,
  profileImportBody,
} from '../../functions/deliver/klaviyo-requests.ts';
import { hydrateEvent } from '../../functions/hydrate/hydrate-event.ts';
import type { HydratedMessage } from '../../functions/hydrate/map-to-klaviyo.ts';
import type { SkippedEvent } from '../../functions/hydrate/mapping/plan-events.ts';
import {
  deliverMessageSchema,
  klaviyoConsentV1Schema,
  type DeliverMessage,
  type KlaviyoConsentV1,
} from '../../functions/shared/stage/contracts.ts';
import { PermanentError } from '../../functions/shared/stage/errors.ts';
import { parseJson } from '../../functions/shared/json/text.ts';
import type { Logger } from '../../functions/shared/logger.ts';
import type { MessageQueue } from '../../functions/shared/stage/sqs-queue.ts';
import { createSecretResolver } from '../../functions/shared/secrets.ts';
import { loadConfig } from '../map/map-config.ts';
import type { RelayConfig } from '../../functions/shared/config/relay-config.ts';
import { receivedMessage } from '../map/received-message.ts';
import { recordedResponses, type RecordedCall } from '../recorded-responses.ts';

export interface MapOptions {
  /** The configuration document; or leave it out and name a `preset`. */
  config?: string;
  /** With `config`: the source the webhook arrives at; with `preset`: the name of the source (default the preset's). */
  source?: string;
  /** A configuration of one source using this preset, built on the fly (no `config`). */
  preset?: string;
  file: string;
  responses?: string;
  header?: string[];
  eventType?: string;
  deliveryId?: string;
}

export interface KlaviyoRequest {
  method: 'POST';
  path: string;
  body: unknown;
}

export interface MapResult {
  source: string;
  delivery_id: string;
  event_type: string;
  /**
   * What Klaviyo would receive: one request per event and profile upsert (deliver may combine events into Bulk
   * Create Events), then the consent jobs the webhook's consent writes become (grouped as deliver groups them),
   * the catalog jobs, the custom-object record jobs and the back-in-stock subscriptions.
   */
  requests: KlaviyoRequest[];
  /**
   * Consent writes (`klaviyo.consent` messages): deliver gathers them into Bulk Subscribe and Bulk Unsubscribe
   * Profiles jobs, several profiles a request.
   */
  consent: KlaviyoConsentV1[];
  /** Writes a filter left out, with the filter; and those the mapping could not make, with the reason. */
  skipped: unknown[];
  /** Properties over Klaviyo's limits that were left out. */
  dropped_properties: string[];
  /** Source API calls and the recorded answers that served them. */
  source_calls: RecordedCall[];
  /** When the relay would dead-letter the webhook: the reason and message. */
  failure?: { reason: string; message: string; detail?: unknown };
}

export function requestsFor(messages: readonly DeliverMessage[]): KlaviyoRequest[] {
  const requests: KlaviyoRequest[] = [];
  for (const message of messages)
    if (message.type === 'klaviyo.profile-upsert')
      requests.push({ method: 'POST', path: KLAVIYO_PATHS.profileImport, body: profileImportBody(message) });
    else if (message.type === 'klaviyo.event')
      requests.push({ method: 'POST', path: KLAVIYO_PATHS.createEvent, body: createEventBody(message) });
  const consent = messages.flatMap((message, i) =>
    message.type === 'klaviyo.consent' ? [{ id: String(i), message }] : [],
  );
  for (const job of planConsentJobs(consent))
    requests.push({ method: 'POST', path: job.path, body: job.body });
  requests.push(...catalogRequestsFor(messages));
  requests.push(...recordAndBackInStockRequestsFor(messages));
  return requests;
}

/** A Logger that keeps what hydrate reports (skips, dropped properties) instead of printing it. */
function collectingLogger(lines: { message: string; fields: Record<string, unknown> }[]): Logger {
  const write = (message: string, fields: Record<string, unknown> = {}) => lines.push({ message, fields });
  return { info: write, warn: write, error: write, debug: () => undefined } as unknown as Logger;
}

/** One webhook to map: the configuration (already loaded), its source, the body as the sender sent it. */
export interface MapInput {
  config: RelayConfig;
  source: string;
  rawBody: Buffer;
  header?: string[];
  eventType?: string;
  deliveryId?: string;
  /** A folder of recorded source API answers; without it, source APIs are called live. */
  responses?: string;
}

export async function mapWebhookFile(options: MapOptions): Promise<MapResult> {
  const { config, source } = await loadConfig(options);
  const rawBody = await readFile(options.file);
  return mapWebhook({ ...options, config, source, rawBody }, options.file);
}

/** What the relay would send for one webhook (`relay map`, and the console's playground). */
export async function mapWebhook(input: MapInput, bodyOrigin = 'the webhook body'): Promise<MapResult> {
  const { config, rawBody } = input;
  let body: unknown;
  try {
    body = parseJson(rawBody.toString('utf8'));
  } catch (error) {
    throw new Error(`${bodyOrigin} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const message = receivedMessage(config, input, rawBody, body);

  const sent: HydratedMessage[] = [];
  const received = (body: string) => {
    const parsed = parseJson(body) as { type?: unknown };
    sent.push(
      parsed.type === 'klaviyo.consent'
        ? klaviyoConsentV1Schema().parse(parsed)
        : deliverMessageSchema().parse(parsed),
    );
  };
  const deliverQueue: MessageQueue = {
    maxBodyBytes: Number.MAX_SAFE_INTEGER,
    sendBatch: (messages) => {
      for (const m of messages) received(m.body);
      return Promise.resolve({ failedIds: [], reasons: [] });
    },
    send: (m) => {
      received(m.body);
      return Promise.resolve();
    },
  };
  const lines: { message: string; fields: Record<string, unknown> }[] = [];
  const responses = input.responses ? recordedResponses(input.responses) : undefined;
  // Recorded answers need no credential; a live call uses the source's own reference.
  const secrets = createSecretResolver({ allowEnvRefs: true }); // the operator's file, the operator's variables
  const result: MapResult = {
    source: message.source,
    delivery_id: message.delivery_id,
    event_type: message.event_type,
    requests: [],
    consent: [],
    skipped: [],
    dropped_properties: [],
    source_calls: [],
  };
  try {
    await hydrateEvent(message, {
      config,
      deliverQueue,
      log: collectingLogger(lines),
      fetch,
      now: Date.now,
      resolveSecret: responses
        ? (ref) => secrets(ref).catch(() => 'recorded-answers-need-no-secret')
        : secrets,
      fetchFor: responses?.fetchFor,
    });
  } catch (error) {
    if (!(error instanceof PermanentError)) throw error;
    result.failure = {
      reason: error.reason,
      message: error.message,
      ...(error.detail !== undefined && { detail: error.detail }),
    };
  }
  result.requests = requestsFor(sent);
  result.consent = sent.filter((made) => made.type === 'klaviyo.consent');
  result.source_calls = responses?.calls ?? [];
  for (const line of lines) {
    if (Array.isArray(line.fields.skipped)) result.skipped.push(...(line.fields.skipped as unknown[]));
    if (Array.isArray(line.fields.dropped))
      result.dropped_properties.push(...(line.fields.dropped as string[]));
  }
  return result;
}

/** A skip in one line: where, and for a filter the condition that was not true with the values it read. */
export function describeSkip(skipped: unknown): string {
  const { where, index, reason, condition, values } = skipped as SkippedEvent;
  const at = `${where}${index === undefined ? '' : ` (element ${index})`}`;
  if (reason !== undefined) return `${at}: ${reason}`;
  if (condition === undefined) return at;
  const read = Object.entries(values ?? {})
    .map(([path, value]) => `${path} = ${JSON.stringify(value)}`)
    .join(', ');
  return `${at}: ${condition} is not true${read === '' ? '' : ` (${read})`}`;
}

export function registerMapCommand(program: Command): void {
  program
    .command('map')
    .description(
      'Print the Klaviyo requests (and consent writes) the relay would send for one webhook (or why it would send none).',
    )
    .option('--config <file>', 'the configuration document (local mode’s form; ${NAME} placeholders allowed)')
    .option('--source <name>', 'the source the webhook arrives at (with --config)')
    .option('--preset <name>', 'instead of --config: one source using this preset (e.g. shopify)')
    .requiredOption('--file <webhook.json>', 'the webhook body')
    .option('--responses <dir>', 'answer source API calls from recorded files (<step>.json, <step>.<n>.json)')
    .option('--header <name:value...>', 'a header the sender sends (e.g. x-shopify-topic:orders/create)')
    .option('--event-type <type>', 'the event type (topic), when the headers do not say it')
    .option('--delivery-id <id>', 'the delivery id (default: from the headers, else "sample")')
    .option('--json', 'print JSON')
    .action(async (options: MapOptions & { json?: boolean }) => {
      const result = await mapWebhookFile(options);
      if (options.json) console.log(JSON.stringify(result, null, 2));
      else {
        console.log(`${result.source} ${result.event_type} (${result.delivery_id})`);
        for (const call of result.source_calls)
          console.log(`  source API: ${call.method} ${call.url} ← ${call.file}`);
        if (result.failure)
          console.log(`  would dead-letter: ${result.failure.reason}: ${result.failure.message}`);
        for (const skipped of result.skipped) console.log(`  skipped: ${describeSkip(skipped)}`);
        if (result.dropped_properties.length > 0)
          console.log(`  dropped properties: ${result.dropped_properties.join(', ')}`);
        for (const request of result.requests) {
          console.log(`\n${request.method} ${request.path}`);
          console.log(JSON.stringify(request.body, null, 2));
        }
        // The jobs above carry them; one line each says which write, of which time, went into them.
        for (const write of result.consent)
          console.log(`  consent: ${write.channel} ${write.consent} as of ${write.as_of}`);
        if (result.requests.length + result.consent.length === 0 && !result.failure)
          console.log('  nothing would be sent');
      }
      if (result.failure) process.exitCode = 1;
    });
}
