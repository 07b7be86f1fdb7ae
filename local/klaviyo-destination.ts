// Where local mode's events go, decided in one place from what decides it in fact: the configuration's
// klaviyo.base_url (deliver sends there, whatever local mode started) and the key its api_key names. The
// banner, the dev secrets and the key check all follow from this answer, so the banner cannot name the mock
// while events go to a.klaviyo.com (issue 18, item 18).
import { ConfigError, type KlaviyoSettings } from '../functions/shared/config/relay-config.ts';
import { isLoopbackHostname } from '../functions/shared/config/hydration-base-url.ts';
import { describeSecretRef } from '../functions/shared/secrets.ts';

export type KlaviyoDestination =
  /** The built-in Klaviyo mock: nothing leaves this machine. */
  | { kind: 'mock'; baseUrl: string }
  /** A Klaviyo-compatible server on this machine (a benchmark's or test's own mock). */
  | { kind: 'loopback'; baseUrl: string }
  /** Klaviyo itself, or another server off this machine: events are written to the account of that key. */
  | { kind: 'remote'; baseUrl: string; keyFrom: string };

/** The key `npm start` passes with KLAVIYO_BASE_URL alone: a stand-in no real Klaviyo accepts. */
export const NO_KLAVIYO_KEY = 'pk_unset';

type Vars = Readonly<Record<string, string | undefined>>;

/**
 * Where events go, given the configuration's klaviyo settings, the variables its references read, and the
 * mock local mode started (if any). A destination off this machine with an `env` key that is unset, empty or
 * only a stand-in (the mock's key, NO_KLAVIYO_KEY) is a ConfigError naming the fix: every event would fail
 * there, or worse, the user believes they are testing against the mock.
 */
export function klaviyoDestination(
  settings: Pick<KlaviyoSettings, 'base_url' | 'api_key'>,
  vars: Vars,
  mock?: { url: string; apiKey: string },
): KlaviyoDestination {
  const url = new URL(settings.base_url);
  const baseUrl = settings.base_url.replace(/\/+$/, '');
  if (mock && url.origin === new URL(mock.url).origin) return { kind: 'mock', baseUrl };
  if (isLoopbackHostname(url.hostname)) return { kind: 'loopback', baseUrl };
  const ref = settings.api_key;
  if ('env' in ref) {
    const key = vars[ref.env];
    if (!key || key === NO_KLAVIYO_KEY || key === mock?.apiKey) {
      throw new ConfigError(
        `klaviyo.base_url is ${baseUrl}, so events would go to ${isKlaviyo(url) ? 'the real Klaviyo' : 'that server'}, ` +
          `but klaviyo.api_key names the environment variable ${ref.env}, which holds no API key. ` +
          `Set ${ref.env} to a private API key, or put "base_url": "\${KLAVIYO_BASE_URL}" in the configuration's ` +
          'klaviyo block to send to the local Klaviyo mock.',
      );
    }
  }
  return { kind: 'remote', baseUrl, keyFrom: describeSecretRef(ref) };
}

function isKlaviyo(url: URL): boolean {
  return url.hostname === 'klaviyo.com' || url.hostname.endsWith('.klaviyo.com');
}

/** The banner's line: what really happens to events. */
export function describeKlaviyoDestination(destination: KlaviyoDestination): string {
  switch (destination.kind) {
    case 'mock':
      return `local mock at ${destination.baseUrl} — recorded events: ${destination.baseUrl}/_mock/events`;
    case 'loopback':
      return `${destination.baseUrl} (a Klaviyo-compatible server on this machine)`;
    case 'remote': {
      const what = isKlaviyo(new URL(destination.baseUrl))
        ? 'the REAL Klaviyo API: events and profiles are written to the account of'
        : 'a server off this machine, with';
      return `${destination.baseUrl} — ${what} the key in ${destination.keyFrom}`;
    }
  }
}
