// What each sender kind contributes to ingest: how its requests are authenticated, and how one request
// becomes the events it carries (each with the delivery id the sender keeps across retries).
import type { SourceConfig } from '../../shared/config.ts';

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
  meta: Record<string, string>;
  payload: unknown;
}

export interface SourceAdapter<C extends SourceConfig = SourceConfig> {
  verify(request: InboundRequest, secrets: readonly string[], config: C, nowMs: number): Verification;
  /** Throws HttpError(400) when the request lacks what the scheme requires. */
  events(request: InboundRequest, body: unknown, config: C): ReceivedEvent[];
}
