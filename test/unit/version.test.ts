// The relay's version is written once in code (functions/shared/version.ts) and must equal package.json's.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fetchJson, type Fetch } from '../../functions/hydrate/source-api.ts';
import { hydrationSchema } from '../../functions/shared/config/relay-config.ts';
import { RELAY_USER_AGENT, RELAY_VERSION } from '../../functions/shared/version.ts';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
};

describe('relay version', () => {
  it("equals package.json's version", () => {
    expect(RELAY_VERSION).toBe(pkg.version);
  });

  it('names the relay and its version in the User-Agent', () => {
    expect(RELAY_USER_AGENT).toBe(`${pkg.name}/${pkg.version}`);
  });

  // Klaviyo's requests: test/unit/klaviyo-client.test.ts. Kept here so source-api.test.ts stays as it is.
  it('is sent on source API (hydration) requests', async () => {
    const hydration = hydrationSchema().parse({
      base_url: 'https://api.test',
      steps: [{ name: 'customer', path: '/customers/{event.customer}' }],
    });
    let userAgent: string | null = null;
    const fetch: Fetch = (_url, init) => {
      userAgent = new Headers(init?.headers).get('user-agent');
      return Promise.resolve(new Response('{"id":1}', { status: 200 }));
    };
    await fetchJson('http://api.test/customers/1', hydration, {
      fetch,
      resolveSecret: () => Promise.resolve(''),
      now: () => 0,
    });
    expect(userAgent).toBe(RELAY_USER_AGENT);
  });
});
