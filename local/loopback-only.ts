// Local mode's servers answer requests addressed to this machine by a loopback name only. They listen on
// 127.0.0.1, but a web page can still reach them through DNS rebinding: its own name (attacker.example) is made
// to resolve to 127.0.0.1, and the browser then sends the page's requests — with `Host: attacker.example` — to
// local mode, where the committed development secrets sign webhooks and /_relay/status answers. Such a request
// always names the page's host in Host (and its origin in Origin), so a non-loopback one of either is refused.
import { isLoopbackHostname } from '../functions/shared/config/hydration-base-url.ts';

/** Why a request is refused, or undefined when its Host (and Origin, if any) name this machine. */
export function nonLoopbackReason(headers: {
  host?: string | undefined;
  origin?: string | undefined;
}): string | undefined {
  const { host, origin } = headers;
  if (host === undefined || !isLoopbackAuthority(host))
    return `Host ${host === undefined ? '(none)' : JSON.stringify(host)} is not this machine's loopback name`;
  if (origin !== undefined && !isLoopbackOrigin(origin))
    return `Origin ${JSON.stringify(origin)} is a web page of another host`;
  return undefined;
}

/** The message a refused request gets: what was refused, why, and what is served. */
export function nonLoopbackMessage(reason: string): string {
  return (
    `${reason}: local mode answers requests to localhost, 127.0.0.0/8 and [::1] only (any port), ` +
    'so that a web page cannot reach it through DNS rebinding'
  );
}

/** `localhost:3000`, `127.0.0.1`, `[::1]:3000`: a host and optional port, nothing more. */
function isLoopbackAuthority(authority: string): boolean {
  let url: URL;
  try {
    url = new URL(`http://${authority}`);
  } catch {
    return false;
  }
  // A user, path, query or fragment would mean the header held more than an authority.
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return false;
  if (!authority.startsWith('[') && authority.includes('/')) return false;
  return isLoopbackHostname(url.hostname);
}

function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // `null` (a sandboxed frame, a file: page) included
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHostname(url.hostname);
}
