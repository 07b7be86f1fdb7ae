// Who may talk to the console: only a browser on this machine that was given the run's token. Three checks, in
// order, each refusing with its own 4xx and a sentence that says why:
// - Host must be 127.0.0.1:<port> or localhost:<port>: a page of another site reaching the loopback port through
//   DNS rebinding sends its own name in Host, so it is refused before anything else (403).
// - The token, a random value made per run: `?token=` in the URL the command prints (answered by setting it as
//   an HttpOnly, SameSite=Strict cookie and redirecting to the same page without it), then the cookie (401).
// - A POST must come from the console's own origin (Origin header), so another site's form cannot act (403).
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_COOKIE = 'relay_console_token';

/** A fresh token for one run: 32 random bytes, URL-safe. */
export function newConsoleToken(): string {
  return randomBytes(32).toString('base64url');
}

export interface GuardRequest {
  method: string;
  host: string | undefined;
  origin: string | undefined;
  cookie: string | undefined;
  /** The request's URL query (for `?token=`). */
  query: URLSearchParams;
}

export type GuardAnswer =
  | { allow: true }
  /** The token came in the URL: set the cookie and send the browser to the same URL without it. */
  | { allow: false; status: 303; setCookie: string }
  | { allow: false; status: 401 | 403; message: string };

function sameSecret(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** The origins the console's own pages have: the two loopback names it answers to, on its port. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function guard(request: GuardRequest, token: string, port: number): GuardAnswer {
  const hosts = allowedHosts(port);
  if (request.host === undefined || !hosts.includes(request.host.toLowerCase()))
    return {
      allow: false,
      status: 403,
      message: `Host ${request.host === undefined ? '(none)' : JSON.stringify(request.host)} refused: the console answers only to ${hosts.join(' or ')}`,
    };
  const inUrl = request.query.get('token');
  if (inUrl !== null && sameSecret(inUrl, token))
    return {
      allow: false,
      status: 303,
      setCookie: `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
    };
  const inCookie = cookieValue(request.cookie, TOKEN_COOKIE);
  if (inCookie === undefined || !sameSecret(inCookie, token))
    return {
      allow: false,
      status: 401,
      message:
        inUrl !== null || inCookie !== undefined
          ? 'wrong token: open the URL `klaviyo-relay console` printed for this run'
          : 'no token: open the URL `klaviyo-relay console` printed (it carries this run’s token)',
    };
  if (request.method === 'POST') {
    const own = hosts.map((host) => `http://${host}`);
    if (request.origin === undefined || !own.includes(request.origin))
      return {
        allow: false,
        status: 403,
        message: `POST from origin ${request.origin === undefined ? '(none)' : JSON.stringify(request.origin)} refused: only the console's own pages (${own.join(', ')}) may send forms`,
      };
  }
  return { allow: true };
}
