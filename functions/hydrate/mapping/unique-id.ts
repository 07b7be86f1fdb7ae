// Klaviyo keeps one event per unique_id, so each event's id is derived from the source event alone: the same
// webhook processed again (an SQS redelivery, a re-enqueued message) yields the same ids and adds nothing.
import { createHash } from 'node:crypto';

/** Klaviyo's longest unique_id. */
export const MAX_UNIQUE_ID_LENGTH = 255;

/**
 * `<source>:<delivery id>` for a source's single event; `<source>:<delivery id>:<event id>[:<element key>]` for
 * each of several. Past 255 characters, the readable form gives way to a SHA-256 of everything after the source.
 */
export function uniqueIdFor(source: string, deliveryId: string, ...parts: readonly string[]): string {
  const readable = [source, deliveryId, ...parts].join(':');
  if (readable.length <= MAX_UNIQUE_ID_LENGTH) return readable;
  const digest = createHash('sha256');
  digest.update(deliveryId);
  // A separator that a delivery id cannot end with keeps ("a", "b:c") and ("a:b", "c") apart.
  for (const part of parts) digest.update('\u0000').update(part);
  return `${source}:sha256:${digest.digest('hex')}`;
}
