// Which base URLs hydration may call with a source's credential: https only, except plain http to this
// machine's loopback (127.0.0.0/8, ::1, localhost), which is where local mode runs its demo source API.
// Terraform's sources validation (terraform/variables.tf) states the same rule as a regex.
//
// A base URL template may put one placeholder in its host, as its first label, under a fixed registrable domain:
// `https://{meta.shop}.myshopify.com`. The webhook then chooses a shop, never the domain the credential goes to
// (`https://{meta.tenant}.com` would let it choose attacker.com). "Registrable" is judged against the Public
// Suffix List's ICANN section (tldts, bundled: no network): the fixed part must hold at least one label beyond its
// public suffix, so `{…}.com`, `{…}.co.uk` and `{…}.ck` are refused (docs/adr/0027-security-boundaries.md).
import { createRequire } from 'node:module';
import type * as TldtsModule from 'tldts';

let tldts: typeof TldtsModule | undefined;

/**
 * tldts, loaded by the first base URL with a host placeholder rather than at import (as re2js is in
 * ./linear-regex.ts): building its suffix tables costs tens of ms of every cold start, and most configurations
 * have no such URL. Call it with its default options only (ICANN rules): the Lambda bundles carry that section of
 * the list alone (scripts/icann-suffix-trie.ts), so private rules would answer differently there than in tests.
 */
function publicSuffixList(): typeof TldtsModule {
  return (tldts ??=
    typeof require === 'function'
      ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundler's lazy load (see above)
        (require('tldts') as typeof TldtsModule)
      : (createRequire(import.meta.url)('tldts') as typeof TldtsModule));
}

export const HYDRATION_BASE_URL_RULE =
  'an https URL, or http to loopback (127.0.0.0/8, [::1], localhost) for local mode';

export function isHydrationBaseUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  if (url.protocol !== 'http:') return false;
  return isLoopbackHostname(url.hostname);
}

/**
 * This machine's loopback names: localhost, 127.0.0.0/8 and [::1]. `hostname` as WHATWG URL parsing leaves it
 * (lower case, IPv4 in dotted decimal, IPv6 in brackets). Local mode's servers answer only these (local/loopback-only.ts).
 */
export function isLoopbackHostname(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** One DNS label (letters, digits, hyphens inside; 1–63): what a placeholder in a host may fill. */
export const DNS_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** A base URL template cut at its authority: `https://` + `{meta.shop}.myshopify.com` + `/admin`. */
export function splitAtAuthority(
  template: string,
): { scheme: string; authority: string; rest: string } | undefined {
  const parts = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/s.exec(template);
  if (!parts) return undefined;
  return { scheme: parts[1] ?? '', authority: parts[2] ?? '', rest: parts[3] ?? '' };
}

/** A template's host placeholder: the `{…}` text filling its first label, and the fixed domain after it (lower case). */
export interface HostPlaceholder {
  placeholder: string;
  fixedDomain: string;
}

/**
 * The host placeholder of a base URL template: undefined when its host has none, or why it is refused — a
 * placeholder that is not the whole first label, a second one, or a fixed part that is not a registrable domain.
 */
export function hostPlaceholderOf(template: string): HostPlaceholder | undefined | { problem: string } {
  const authority = splitAtAuthority(template)?.authority ?? '';
  if (!authority.includes('{')) return undefined;
  const rule =
    'a placeholder in the host fills one label under a fixed registrable domain (https://{meta.shop}.myshopify.com)';
  const match = /^(\{[^{}]+\})\.([^{}@:]+)(:\d{1,5})?$/.exec(authority);
  if (!match)
    return {
      problem: `${rule}: ${authority} has it elsewhere than as the whole first label, or has several`,
    };
  const fixedDomain = (match[2] ?? '').toLowerCase();
  const labels = fixedDomain.split('.');
  // A numeric last label would make the filled host an IPv4 address, not a name under a domain.
  if (!labels.every((l) => DNS_LABEL.test(l)) || !/[a-z]/.test(labels.at(-1) ?? ''))
    return { problem: `${rule}: ${fixedDomain} is not a domain name` };
  if (publicSuffixList().getDomain(fixedDomain) === null)
    return { problem: `${rule}: ${fixedDomain} is a public suffix, not a registrable domain` };
  return { placeholder: match[1] ?? '', fixedDomain };
}
