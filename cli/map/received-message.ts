// The webhook as ingest would enqueue it, for `relay map`: the source kind's own reading of headers and body
// (functions/ingest/sources/), with the flags standing in for the headers a sample file does not carry.
import {
  ConfigError,
  type RelayConfig,
  type SourceKind,
} from '../../functions/shared/config/relay-config.ts';
import type { WebhookReceivedV1 } from '../../functions/shared/stage/contracts.ts';
import { HttpError } from '../../functions/ingest/http-error.ts';
import { adapterFor } from '../../functions/ingest/sources/index.ts';

export interface ReceivedMessageOptions {
  /** The source the webhook arrives at. */
  source: string;
  /** Headers the sender sends, as `name:value`. */
  header?: string[];
  eventType?: string;
  deliveryId?: string;
}

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

/**
 * Where each sender kind carries its event type (topic) other than a configured `event_type` header: a header
 * the adapter reads into `meta` (filled from --event-type, so the adapter reads it as from a real request), or
 * a `meta` key it reads from the body (set from --event-type when the body has none). Presets' filters and
 * conditions read these (`meta.topic`), so --event-type must reach them, not only the message's event_type.
 */
const EVENT_TYPE_CARRIERS: Partial<Record<SourceKind, { header?: string; meta: string }>> = {
  shopify: { header: 'x-shopify-topic', meta: 'topic' },
  woocommerce: { header: 'x-wc-webhook-topic', meta: 'topic' },
  bigcommerce: { meta: 'scope' },
};

/** The webhook as ingest would enqueue it: the source kind reads its events from headers and body. */
export function receivedMessage(
  config: RelayConfig,
  options: ReceivedMessageOptions,
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
    const carrier = EVENT_TYPE_CARRIERS[source.kind];
    if (carrier?.header && headers[carrier.header] === undefined && options.eventType)
      headers[carrier.header] = options.eventType;
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
  const carrier = EVENT_TYPE_CARRIERS[source.kind];
  if (carrier && options.eventType && event.meta[carrier.meta] === undefined)
    event.meta = { ...event.meta, [carrier.meta]: options.eventType };
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
