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
  // WHATWG URL parsing has already normalised the host: lower case, IPv4 in dotted decimal, IPv6 in brackets.
  return url.hostname === 'localhost' || url.hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(url.hostname);
}
