// What a console page or API route is: server.ts matches a request to a route, hands it the parsed request
// and the console's context, and writes what the route answers (a page is wrapped in the layout).
import type { RelayStack } from '../../operations/relay-stack.ts';

export interface ConsoleRequest {
  method: 'GET' | 'POST';
  /** The path without the query, e.g. `/dead-letters/deliver/abc`. */
  path: string;
  /** The pattern's `:name` parts, decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** A POST's body: parsed JSON (`application/json`) or the form's fields (`application/x-www-form-urlencoded`). */
  body: unknown;
}

export interface ConsoleContext {
  /** The relay the console was started against (the stack file's outputs), loaded once per run. */
  stack(): Promise<RelayStack>;
  /** The stack file the console reads (`.local/stack.json` for local mode), for pages that say what they show. */
  stackFile: string;
}

/** A page's content, without the surrounding layout (navigation, the token in every link). */
export interface ConsolePage {
  title: string;
  /** HTML, already escaped where it holds data (see html.ts). */
  body: string;
}

export type ConsoleResponse =
  | { status?: number; page: ConsolePage }
  | { status?: number; json: unknown }
  /** Server-sent events: each value is sent as one `data:` line of JSON until the client goes away. */
  | { status?: number; events: AsyncIterable<unknown> };

export interface ConsoleRoute {
  method: 'GET' | 'POST';
  /** Exact segments and `:name` parameters, e.g. `/dead-letters/:queue/:id`. */
  pattern: string;
  handle(request: ConsoleRequest, context: ConsoleContext): Promise<ConsoleResponse>;
}
