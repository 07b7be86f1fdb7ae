// What each sender kind contributes to ingest: how its requests are authenticated, and how one request
// becomes the events it carries (each with the delivery id the sender keeps across retries).
import type { OpaqueSourceConfig } from '../../shared/config/opaque-relay-config.ts';

export interface InboundRequest {
  /** Header names in lower case. */
  headers: Readonly<Record<string, string>>;
  /** The exact bytes the sender signed. */
  rawBody: Buffer;
}

export type Verification =
  | { ok: true }
  | { ok: false; code: 'missing_signature' | 'invalid_signature' | 'stale_timestamp'; message: string };

export interface ReceivedEvent {
  deliveryId: string;
  eventType: string;
  /** Sender metadata; `origin: "klaviyo"` marks events Klaviyo itself sent (loop guard for deliver). */
  meta: Record<string, string>;
  payload: unknown;
}

/** A request that is answered without verification or enqueueing, e.g. a sender's set-up ping. */
export interface Acknowledgement {
  code: string;
  message: string;
}

export interface SourceAdapter<C extends OpaqueSourceConfig = OpaqueSourceConfig> {
  /**
   * Runs before the signature check and the JSON parser: recognises requests that carry no event (a
   * sender's ping) so they can be answered 200 and never enqueued.
   */
  acknowledge?(request: InboundRequest, config: C): Acknowledgement | undefined;
  verify(request: InboundRequest, secrets: readonly string[], config: C, nowMs: number): Verification;
  /** Throws HttpError(4xx) when the request lacks what the scheme requires. */
  events(request: InboundRequest, body: unknown, config: C): ReceivedEvent[];
  /**
   * The delivery id the request's headers claim, read before anything is verified: only so that a rejected
   * request can be logged under the correlation id a trace looks for. Kinds whose id is in the body have none.
   */
  claimedDeliveryId?(request: InboundRequest, config: C): string | undefined;
}

/** Klaviyo-originated events carry this, so deliver can refuse to write them back as the same metric. */
export const KLAVIYO_ORIGIN = { origin: 'klaviyo' } as const;
