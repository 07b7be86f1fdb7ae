// `map`: what the relay would send Klaviyo for one webhook, without deploying — the webhook parsed as ingest
// parses it (the source kind's own reading of headers and body), hydrated and mapped by hydrate's own use case
// (hydrateEvent), and the messages turned into Klaviyo requests by deliver's request builders. Source APIs are
// answered from recorded responses (--responses) or called live.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import {
  createEventBody,
  KLAVIYO_PATHS,
  profileImportBody,
} from '../../functions/deliver/klaviyo-requests.ts';
import { hydrateEvent } from '../../functions/hydrate/hydrate-event.ts';
import {
  ConfigError,
  parseRelayConfig,
  type RelayConfig,
  type SourceKind,
} from '../../functions/shared/config/relay-config.ts';
import {
  deliverMessageSchema,
  type DeliverMessage,
  type WebhookReceivedV1,
} from '../../functions/shared/stage/contracts.ts';
import { PermanentError } from '../../functions/shared/stage/errors.ts';
import { parseJson } from '../../functions/shared/json/text.ts';
import { PRESETS, type PresetName } from '../../functions/shared/config/presets/index.ts';
import type { Logger } from '../../functions/shared/logger.ts';
import type { MessageQueue } from '../../functions/shared/stage/sqs-queue.ts';
import { createSecretResolver } from '../../functions/shared/secrets.ts';
import { HttpError } from '../../functions/ingest/http-error.ts';
import { adapterFor } from '../../functions/ingest/sources/index.ts';
import { readLocalConfig } from '../../operations/config-file.ts';
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
  /** What Klaviyo would receive, one request per message (deliver may combine events into Bulk Create Events). */
  requests: KlaviyoRequest[];
  /** Events a filter left out, with the filter. */
  skipped: unknown[];
  /** Properties over Klaviyo's limits that were left out. */
  dropped_properties: string[];
  /** Source API calls and the recorded answers that served them. */
  source_calls: RecordedCall[];
  /** When the relay would dead-letter the webhook: the reason and message. */
  failure?: { reason: string; message: string; detail?: unknown };
}

/** A stand-in for unset `${NAME}` placeholders (recorded answers never reach it). */
const PLACEHOLDER_STAND_IN = 'http://127.0.0.1/placeholder';

function parseHeaders(values: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    if (colon <= 0) throw new Error(`--header ${JSON.stringify(value)}: write it as name:value`);
    headers[value.slice(0, colon).trim().toLowerCase()] = value.slice(colon + 1).trim();
  }
  return headers;
}

/** The header each sender kind sends its delivery id in, where it is a header (functions/ingest/sources/). */
const DELIVERY_ID_HEADERS: Partial<Record<SourceKind, string>> = {
  shopify: 'x-shopify-event-id',
  woocommerce: 'x-wc-webhook-delivery-id',
  zendesk: 'x-zendesk-webhook-invocation-id',
};

/** The webhook as ingest would enqueue it: the source kind reads its events from headers and body. */
function receivedMessage(
  config: RelayConfig,
  options: MapOptions & { source: string },
  rawBody: Buffer,
  body: unknown,
): WebhookReceivedV1 {
  const source = Object.hasOwn(config.sources, options.source) ? config.sources[options.source] : undefined;
  if (!source)
    throw new ConfigError(
      `no source "${options.source}" (configured: ${Object.keys(config.sources).join(', ')})`,
    );
  let event: { deliveryId: string; eventType: string; meta: Record<string, string>; payload: unknown };
  try {
    const headers = parseHeaders(options.header ?? []);
    // Where the configuration names the header a delivery id or event type comes in, the flags fill it.
    const named = source as { delivery_id?: { header?: string }; event_type?: { header?: string } };
    const idHeader = named.delivery_id?.header?.toLowerCase();
    if (idHeader && headers[idHeader] === undefined) headers[idHeader] = options.deliveryId ?? 'sample';
    // A sender whose delivery id is a header (a sample file has no headers): --delivery-id, else "sample".
    const senderIdHeader = DELIVERY_ID_HEADERS[source.kind];
    if (senderIdHeader && headers[senderIdHeader] === undefined)
      headers[senderIdHeader] = options.deliveryId ?? 'sample';
    const typeHeader = named.event_type?.header?.toLowerCase();
    if (typeHeader && headers[typeHeader] === undefined && options.eventType)
      headers[typeHeader] = options.eventType;
    const [first, ...more] = adapterFor(source).events({ headers, rawBody }, body, source);
    if (!first) throw new Error('the webhook carries no events');
    if (more.length > 0)
      throw new Error(`the webhook carries ${more.length + 1} events; map takes one at a time`);
    event = first;
  } catch (error) {
    // A header the sender always sends (a topic, a delivery id) is missing: --event-type stands in for it.
    if (!(error instanceof HttpError) || options.eventType === undefined)
      throw new Error(
        `${(error as Error).message}${error instanceof HttpError ? ' (give the sender’s headers with --header name:value, or --event-type)' : ''}`,
        { cause: error },
      );
    event = {
      deliveryId: options.deliveryId ?? 'sample',
      eventType: options.eventType,
      meta: {},
      payload: body,
    };
  }
  return {
    type: 'webhook.received',
    version: 1,
    correlation_id: `${options.source}:${options.deliveryId ?? event.deliveryId}`,
    source: options.source,
    delivery_id: options.deliveryId ?? event.deliveryId,
    event_type: options.eventType ?? event.eventType,
    received_at: new Date().toISOString(),
    meta: event.meta,
    payload: event.payload,
  };
}

function requestFor(message: DeliverMessage): KlaviyoRequest {
  if (message.type === 'klaviyo.profile-upsert')
    return { method: 'POST', path: KLAVIYO_PATHS.profileImport, body: profileImportBody(message) };
  return { method: 'POST', path: KLAVIYO_PATHS.createEvent, body: createEventBody(message) };
}

/** A Logger that keeps what hydrate reports (skips, dropped properties) instead of printing it. */
function collectingLogger(lines: { message: string; fields: Record<string, unknown> }[]): Logger {
  const write = (message: string, fields: Record<string, unknown> = {}) => lines.push({ message, fields });
  return { info: write, warn: write, error: write, debug: () => undefined } as unknown as Logger;
}

/** A document with one source that uses the preset and nothing else: what `--preset` maps with. */
export function presetConfig(preset: string, sourceName: string): RelayConfig {
  const source: Record<string, unknown> = { preset, secrets: [{ env: 'RELAY_MAP_WEBHOOK_SECRET' }] };
  // What only a source can give (an API credential) is the preset's example: an environment variable that a
  // live call reads, and that recorded answers never need.
  const requirements = Object.hasOwn(PRESETS, preset) ? (PRESETS[preset as PresetName].requires ?? []) : [];
  for (const { path: at, example } of requirements) setAt(source, at, example);
  const document = {
    version: 1,
    sources: { [sourceName]: source },
    klaviyo: { api_key: { env: 'KLAVIYO_API_KEY' } },
  };
  return parseRelayConfig(JSON.stringify(document), `--preset ${preset}`);
}

function setAt(target: Record<string, unknown>, at: readonly string[], value: unknown): void {
  let node = target;
  for (const [index, key] of at.entries()) {
    if (index === at.length - 1) node[key] = value;
    else {
      const next = node[key];
      node = (node[key] = typeof next === 'object' && next !== null ? next : {}) as Record<string, unknown>;
    }
  }
}

async function loadConfig(options: MapOptions): Promise<{ config: RelayConfig; source: string }> {
  if (options.preset !== undefined) {
    if (options.config !== undefined)
      throw new ConfigError('give --config (with --source) or --preset, not both');
    const source = options.source ?? options.preset;
    return { config: presetConfig(options.preset, source), source };
  }
  if (options.config === undefined || options.source === undefined)
    throw new ConfigError('give --config and --source, or --preset');
  // An unset placeholder only matters to a step that calls it: that call then fails, naming the URL.
  const { config } = await readLocalConfig(path.resolve(options.config), process.env, PLACEHOLDER_STAND_IN);
  return { config, source: options.source };
}

export async function mapWebhookFile(options: MapOptions): Promise<MapResult> {
  const { config, source } = await loadConfig(options);
  const rawBody = await readFile(options.file);
  let body: unknown;
  try {
    body = parseJson(rawBody.toString('utf8'));
  } catch (error) {
    throw new Error(`${options.file} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const message = receivedMessage(config, { ...options, source }, rawBody, body);

  const sent: DeliverMessage[] = [];
  const deliverQueue: MessageQueue = {
    maxBodyBytes: Number.MAX_SAFE_INTEGER,
    sendBatch: (messages) => {
      for (const m of messages) sent.push(deliverMessageSchema().parse(parseJson(m.body)));
      return Promise.resolve({ failedIds: [], reasons: [] });
    },
    send: (m) => {
      sent.push(deliverMessageSchema().parse(parseJson(m.body)));
      return Promise.resolve();
    },
  };
  const lines: { message: string; fields: Record<string, unknown> }[] = [];
  const responses = options.responses ? recordedResponses(options.responses) : undefined;
  // Recorded answers need no credential; a live call uses the source's own reference.
  const secrets = createSecretResolver({ allowEnvRefs: true }); // the operator's file, the operator's variables
  const result: MapResult = {
    source: message.source,
    delivery_id: message.delivery_id,
    event_type: message.event_type,
    requests: [],
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
  result.requests = sent.map(requestFor);
  result.source_calls = responses?.calls ?? [];
  for (const line of lines) {
    if (Array.isArray(line.fields.skipped)) result.skipped.push(...(line.fields.skipped as unknown[]));
    if (Array.isArray(line.fields.dropped))
      result.dropped_properties.push(...(line.fields.dropped as string[]));
  }
  return result;
}

export function registerMapCommand(program: Command): void {
  program
    .command('map')
    .description(
      'Print the Klaviyo requests the relay would send for one webhook (or why it would send none).',
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
        for (const skipped of result.skipped) console.log(`  skipped: ${JSON.stringify(skipped)}`);
        if (result.dropped_properties.length > 0)
          console.log(`  dropped properties: ${result.dropped_properties.join(', ')}`);
        for (const request of result.requests) {
          console.log(`\n${request.method} ${request.path}`);
          console.log(JSON.stringify(request.body, null, 2));
        }
        if (result.requests.length === 0 && !result.failure) console.log('  nothing would be sent');
      }
      if (result.failure) process.exitCode = 1;
    });
}
