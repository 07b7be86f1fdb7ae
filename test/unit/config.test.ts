import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_KLAVIYO_REVISION,
  dropNulls,
  hydrationSchema,
  parseRelayConfig,
} from '../../functions/shared/config/relay-config.ts';
import { fillPlaceholders } from '../../operations/config-file.ts';

const minimal = {
  version: 1,
  sources: { shop: { kind: 'shopify', secrets: [{ ssm: '/relay/shopify' }] } },
  klaviyo: { api_key: { ssm: '/relay/klaviyo' } },
};

describe('relay configuration', () => {
  it('fills defaults for everything optional', () => {
    const config = parseRelayConfig(JSON.stringify(minimal), 'test');
    expect(config.klaviyo.revision).toBe(DEFAULT_KLAVIYO_REVISION);
    expect(config.klaviyo.base_url).toBe('https://a.klaviyo.com');
    expect(config.ingest.dedupe_ttl_seconds).toBe(7 * 86_400);
    expect(config.sources.shop?.mapping.profile.email).toContain('event.email');
  });

  it('accepts what Terraform renders: unset optional attributes as null', () => {
    const rendered = {
      ...minimal,
      sources: {
        shop: {
          kind: 'shopify',
          secrets: [{ ssm: '/x', secrets_manager: null, env: null }],
          hydration: null,
        },
      },
      klaviyo: { api_key: { ssm: '/k', secrets_manager: null }, revision: null },
    };
    const config = parseRelayConfig(JSON.stringify(rendered), 'ssm:/relay/config');
    expect(config.sources.shop?.secrets).toEqual([{ ssm: '/x' }]);
    expect(dropNulls({ a: null, b: [null, { c: null }] })).toEqual({ b: [null, {}] });
  });

  it('reports every problem with its path', () => {
    const bad = {
      ...minimal,
      sources: {
        'Bad Name': { kind: 'shopify', secrets: [] },
        gh: { kind: 'generic-hmac', secrets: [{ env: 'X' }] },
      },
    };
    expect(() => parseRelayConfig(JSON.stringify(bad), 'file.json')).toThrowError(ConfigError);
    try {
      parseRelayConfig(JSON.stringify(bad), 'file.json');
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('file.json: invalid relay configuration');
      expect(message).toContain('sources.Bad Name');
      expect(message).toContain('sources.gh.signature');
    }
  });

  it('hydration.requests_per_second is optional, from 0.1 to 1,000', () => {
    const parse = (extra: Record<string, unknown>) =>
      hydrationSchema().safeParse({
        base_url: 'https://api.test',
        steps: [{ name: 'c', path: '/c' }],
        ...extra,
      });
    expect(parse({}).data?.requests_per_second).toBeUndefined();
    expect(parse({ requests_per_second: 2 }).data?.requests_per_second).toBe(2);
    expect(parse({ requests_per_second: 0.1 }).success).toBe(true);
    expect(parse({ requests_per_second: 1_000 }).success).toBe(true);
    for (const refused of [0, 0.05, -1, 1_001, '5'])
      expect(parse({ requests_per_second: refused }).success).toBe(false);
  });

  it('a hydration base_url is https, or http to loopback (local mode) only', () => {
    const parses = (base_url: string) =>
      hydrationSchema().safeParse({ base_url, steps: [{ name: 'c', path: '/c' }] }).success;
    for (const ok of [
      'https://api.example.com',
      'https://shop.myshopify.com/admin/api/2025-01',
      'https://api.example.com:8443/v2/',
      'http://127.0.0.1:4010',
      'http://127.1.2.3',
      'http://localhost:3000/api',
      'http://[::1]:8080',
    ]) {
      expect(parses(ok), ok).toBe(true);
    }
    for (const refused of [
      'http://api.example.com',
      'http://10.0.0.5',
      'http://169.254.169.254/latest/meta-data',
      'http://0.0.0.0:80',
      'http://127.0.0.1.example.com',
      'http://localhost.example.com',
      'http://127.0.0.1@example.com',
      'ftp://127.0.0.1',
      'file:///etc/passwd',
      'ws://localhost:1',
    ]) {
      expect(parses(refused), refused).toBe(false);
    }
  });

  it('rejects unknown keys rather than ignoring a typo', () => {
    const typo = { ...minimal, klaviyo: { ...minimal.klaviyo, revison: '2026-07-15' } };
    expect(() => parseRelayConfig(JSON.stringify(typo), 't')).toThrow(/revison/);
  });

  it('rejects text that is not JSON, naming where it came from', () => {
    expect(() => parseRelayConfig('{ nope', 'ssm:/cfg')).toThrow(/ssm:\/cfg: not valid JSON/);
  });

  it('validates the shipped local configuration', async () => {
    const text = await readFile('config/local.json', 'utf8');
    const filled = fillPlaceholders(
      text,
      { DEMO_API_URL: 'http://127.0.0.1:1', KLAVIYO_BASE_URL: 'http://127.0.0.1:2' },
      'local',
    );
    const config = parseRelayConfig(filled, 'config/local.json');
    expect(config.sources.demo?.hydration?.steps.map((s) => s.name)).toEqual(['customer', 'address']);
  });

  it('refuses an unset placeholder, and escapes values as JSON', () => {
    expect(() => fillPlaceholders('"${NOPE}"', {}, 'f')).toThrow(/\$\{NOPE\} is used but not set/);
    expect(fillPlaceholders('"${A}"', { A: 'say "hi"' }, 'f')).toBe('"say \\"hi\\""');
  });
});

describe('dedupe bounds that would allow duplicates', () => {
  const withIngest = (ingest: Record<string, number>) => JSON.stringify({ ...minimal, ingest });

  it('refuses a claim lease shorter than the ingest timeout can be (30 s, API Gateway)', () => {
    expect(() => parseRelayConfig(withIngest({ claim_lease_seconds: 29 }), 'test')).toThrow(
      /ingest\.claim_lease_seconds/,
    );
    expect(parseRelayConfig(withIngest({ claim_lease_seconds: 30 }), 'test').ingest.claim_lease_seconds).toBe(
      30,
    );
  });

  it('refuses a dedupe TTL shorter than the longest documented sender retry window (Stripe: 3 days)', () => {
    expect(() => parseRelayConfig(withIngest({ dedupe_ttl_seconds: 3 * 86_400 - 1 }), 'test')).toThrow(
      /ingest\.dedupe_ttl_seconds/,
    );
    expect(
      parseRelayConfig(withIngest({ dedupe_ttl_seconds: 3 * 86_400 }), 'test').ingest.dedupe_ttl_seconds,
    ).toBe(3 * 86_400);
  });
});
