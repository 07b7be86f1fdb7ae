// The relay's version, written once for the code (test/unit/version.test.ts holds it equal to package.json's
// `version`; bump both together). Outgoing requests name the relay with it, so Klaviyo, a source's API or
// an edge in front of them can tell the relay's traffic from anonymous bots.
export const RELAY_VERSION = '0.1.0';

/** The `User-Agent` of every request the relay makes: `klaviyo-webhook-relay/<version>`. */
export const RELAY_USER_AGENT = `klaviyo-webhook-relay/${RELAY_VERSION}`;
