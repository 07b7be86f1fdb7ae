// Which base URLs hydration may call with a source's credential: https only, except plain http to this
// machine's loopback (127.0.0.0/8, ::1, localhost), which is where local mode runs its demo source API.
// Terraform's sources validation (terraform/variables.tf) states the same rule as a regex.

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
