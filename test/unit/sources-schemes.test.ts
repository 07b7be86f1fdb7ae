// Every source kind against vectors made the way its sender makes them: Stripe's and Standard Webhooks'
// own npm packages, node:crypto for the rest. Five cases each: valid, tampered body, stale timestamp
// (where the scheme signs one), missing header, and a signature made with the previous secret.
import { createHmac } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { adapterFor } from '../../functions/ingest/sources/index.ts';
import { sourceSchema, type SourceConfig } from '../../functions/shared/config/relay-config.ts';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const CURRENT = 'current-secret-0123456789abcdef';
const PREVIOUS = 'previous-secret-0123456789abcdef';
// Standard Webhooks secrets are base64 keys with a whsec_ prefix.
const SW_CURRENT = `whsec_${Buffer.from('standard-current-key-32-bytes!!!').toString('base64')}`;
const SW_PREVIOUS = `whsec_${Buffer.from('standard-previous-key-32-bytes!!').toString('base64')}`;

const body = Buffer.from('{"id":"evt_1","type":"order.created","total":"19.99"}');
const tampered = Buffer.from(body.toString().replace('19.99', '0.01'));
const stripeSdk = new Stripe('sk_test_unused');
const hmac = (key: string, encoding: 'hex' | 'base64', ...parts: (string | Buffer)[]) => {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest(encoding);
};
const seconds = (ms: number) => Math.floor(ms / 1000);

interface KindCase {
  config: Record<string, unknown>;
  secrets: [string, string];
  sign: (bytes: Buffer, secret: string, atMs: number) => Record<string, string>;
  /** Headers whose absence must be reported as missing_signature. */
  required: string[];
  signsTimestamp: boolean;
}

const cases: Record<string, KindCase> = {
  shopify: {
    config: {},
    secrets: [CURRENT, PREVIOUS],
    sign: (b, s) => ({ 'x-shopify-hmac-sha256': hmac(s, 'base64', b) }),
    required: ['x-shopify-hmac-sha256'],
    signsTimestamp: false,
  },
  stripe: {
    config: {},
    secrets: [CURRENT, PREVIOUS],
    sign: (b, s, at) => ({
      'stripe-signature': stripeSdk.webhooks.generateTestHeaderString({
        payload: b.toString(),
        secret: s,
        timestamp: seconds(at),
      }),
    }),
    required: ['stripe-signature'],
    signsTimestamp: true,
  },
  'standard-webhooks': {
    config: {},
    secrets: [SW_CURRENT, SW_PREVIOUS],
    sign: (b, s, at) => ({
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(seconds(at)),
      'webhook-signature': new StandardWebhook(s).sign('msg_1', new Date(at), b.toString()),
    }),
    required: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
    signsTimestamp: true,
  },
  klaviyo: {
    config: {},
    secrets: [CURRENT, PREVIOUS],
    sign: (b, s, at) => {
      const timestamp = new Date(at).toUTCString();
      return { 'klaviyo-timestamp': timestamp, 'klaviyo-signature': hmac(s, 'hex', b, timestamp) };
    },
    required: ['klaviyo-signature', 'klaviyo-timestamp'],
    signsTimestamp: true,
  },
  'klaviyo-flow': {
    config: { secret_header: 'X-Flow-Secret' },
    secrets: [CURRENT, PREVIOUS],
    sign: (_b, s) => ({ 'x-flow-secret': s }),
    required: ['x-flow-secret'],
    signsTimestamp: false,
  },
  bigcommerce: {
    config: {},
    secrets: [CURRENT, PREVIOUS],
    sign: (_b, s) => ({ 'x-relay-secret': s }),
    required: ['x-relay-secret'],
    signsTimestamp: false,
  },
  woocommerce: {
    config: {},
    secrets: [CURRENT, PREVIOUS],
    sign: (b, s) => ({ 'x-wc-webhook-signature': hmac(s, 'base64', b) }),
    required: ['x-wc-webhook-signature'],
    signsTimestamp: false,
  },
  zendesk: {
    config: {},
    secrets: [CURRENT, PREVIOUS],
    sign: (b, s, at) => {
      const timestamp = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return {
        'x-zendesk-webhook-signature-timestamp': timestamp,
        'x-zendesk-webhook-signature': hmac(s, 'base64', timestamp, b),
      };
    },
    required: ['x-zendesk-webhook-signature', 'x-zendesk-webhook-signature-timestamp'],
    signsTimestamp: true,
  },
  'generic-hmac': {
    config: {
      signature: {
        header: 'X-Signature',
        prefix: 'v1=',
        timestamp_header: 'X-Timestamp',
        signed_content: '{timestamp}.{body}',
      },
    },
    secrets: [CURRENT, PREVIOUS],
    sign: (b, s, at) => ({
      'x-timestamp': String(seconds(at)),
      'x-signature': `v1=${hmac(s, 'hex', `${seconds(at)}.`, b)}`,
    }),
    required: ['x-signature', 'x-timestamp'],
    signsTimestamp: true,
  },
  token: {
    config: {},
    secrets: [CURRENT, PREVIOUS],
    sign: (_b, s) => ({ authorization: `Bearer ${s}` }),
    required: ['authorization'],
    signsTimestamp: false,
  },
};

function sourceOf(kind: string, extra: Record<string, unknown>): SourceConfig {
  return sourceSchema().parse({ kind, secrets: [{ env: 'A' }, { env: 'B' }], ...extra });
}

describe.each(Object.entries(cases))('%s', (kind, c) => {
  const source = sourceOf(kind, c.config);
  const verify = (headers: Record<string, string>, bytes = body, nowMs = NOW, secrets = c.secrets) =>
    adapterFor(source).verify({ headers, rawBody: bytes }, secrets, source, nowMs);

  it('accepts a request signed with the current secret', () => {
    expect(verify(c.sign(body, c.secrets[0], NOW))).toEqual({ ok: true });
  });

  it('rejects a tampered body (or a wrong secret, for shared-secret kinds)', () => {
    const signed = c.sign(body, c.secrets[0], NOW);
    const verdict =
      kind === 'klaviyo-flow' || kind === 'bigcommerce' || kind === 'token'
        ? verify(c.sign(body, 'not-the-secret', NOW))
        : verify(signed, tampered);
    expect(verdict).toMatchObject({ ok: false, code: 'invalid_signature' });
  });

  if (c.signsTimestamp) {
    it('refuses a timestamp outside the tolerance as stale, either way', () => {
      const old = verify(c.sign(body, c.secrets[0], NOW - 301_000));
      expect(old).toMatchObject({ ok: false, code: 'stale_timestamp' });
      expect(old.ok ? '' : old.message).toMatch(/tolerance is 300 s/);
      expect(verify(c.sign(body, c.secrets[0], NOW + 301_000))).toMatchObject({ code: 'stale_timestamp' });
      expect(verify(c.sign(body, c.secrets[0], NOW - 290_000))).toEqual({ ok: true });
    });
  } else {
    // The sender signs no timestamp, so age cannot be judged here; a replay is answered as a duplicate by
    // the dedupe table instead (test/unit/accept-webhook.test.ts and the e2e tests).
    it('has no signed timestamp: an old request still verifies, and replays are left to dedupe', () => {
      expect(verify(c.sign(body, c.secrets[0], NOW - 86_400_000))).toEqual({ ok: true });
    });
  }

  it.each(c.required)('says when %s is missing', (header) => {
    const headers = c.sign(body, c.secrets[0], NOW);
    delete headers[header];
    expect(verify(headers)).toMatchObject({ ok: false, code: 'missing_signature' });
  });

  it('accepts the previous secret while it is being rotated out, and only while it is listed', () => {
    expect(verify(c.sign(body, c.secrets[1], NOW))).toEqual({ ok: true });
    expect(verify(c.sign(body, c.secrets[1], NOW), body, NOW, [c.secrets[0], c.secrets[0]])).toMatchObject({
      ok: false,
    });
  });

  it('never names a secret in its answer', () => {
    const verdict = verify(c.sign(body, 'wrong', NOW));
    expect(JSON.stringify(verdict)).not.toContain(c.secrets[0]);
    expect(JSON.stringify(verdict)).not.toContain(c.secrets[1]);
  });
});

describe('scheme details', () => {
  it('stripe: any v1 may match (Stripe sends one per secret while rolling), v0 is ignored', () => {
    const source = sourceOf('stripe', {});
    const t = seconds(NOW);
    const good = hmac(CURRENT, 'hex', `${t}.`, body);
    const header = `t=${t},v1=${'0'.repeat(64)},v1=${good},v0=${good}`;
    const verify = (h: string) =>
      adapterFor(source).verify(
        { headers: { 'stripe-signature': h }, rawBody: body },
        [CURRENT],
        source,
        NOW,
      );
    expect(verify(header)).toEqual({ ok: true });
    expect(verify(`t=${t},v0=${good}`)).toMatchObject({ ok: false, code: 'invalid_signature' });
    expect(verify(`v1=${good}`)).toMatchObject({ ok: false, code: 'invalid_signature' });
  });

  it('stripe: the tolerance is configurable', () => {
    const source = sourceOf('stripe', { tolerance_seconds: 30 });
    const header = stripeSdk.webhooks.generateTestHeaderString({
      payload: body.toString(),
      secret: CURRENT,
      timestamp: seconds(NOW) - 60,
    });
    expect(
      adapterFor(source).verify(
        { headers: { 'stripe-signature': header }, rawBody: body },
        [CURRENT],
        source,
        NOW,
      ),
    ).toMatchObject({ code: 'stale_timestamp' });
  });

  it('standard-webhooks: several space-separated signatures, one valid, is accepted', () => {
    const source = sourceOf('standard-webhooks', {});
    const signed = new StandardWebhook(SW_CURRENT).sign('msg_2', new Date(NOW), body.toString());
    const headers = {
      'webhook-id': 'msg_2',
      'webhook-timestamp': String(seconds(NOW)),
      'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')} v1a,ignored ${signed}`,
    };
    expect(adapterFor(source).verify({ headers, rawBody: body }, [SW_CURRENT], source, NOW)).toEqual({
      ok: true,
    });
    // The id is signed: a replay under another id fails.
    expect(
      adapterFor(source).verify(
        { headers: { ...headers, 'webhook-id': 'msg_3' }, rawBody: body },
        [SW_CURRENT],
        source,
        NOW,
      ),
    ).toMatchObject({ ok: false, code: 'invalid_signature' });
  });

  it('standard-webhooks: the package verifies what the relay accepts (same key decoding)', () => {
    const headers = {
      'webhook-id': 'msg_4',
      'webhook-timestamp': String(seconds(Date.now())),
      'webhook-signature': new StandardWebhook(SW_CURRENT).sign('msg_4', new Date(), body.toString()),
    };
    expect(() => new StandardWebhook(SW_CURRENT).verify(body.toString(), headers)).not.toThrow();
    const source = sourceOf('standard-webhooks', {});
    expect(adapterFor(source).verify({ headers, rawBody: body }, [SW_CURRENT], source, Date.now())).toEqual({
      ok: true,
    });
  });

  it('token: basic auth compares user:password; a malformed header is invalid, not an error', () => {
    const source = sourceOf('token', { scheme: 'basic' });
    const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
    const verify = (authorization: string) =>
      adapterFor(source).verify({ headers: { authorization }, rawBody: body }, ['relay:s3cret'], source, NOW);
    expect(verify(basic('relay:s3cret'))).toEqual({ ok: true });
    expect(verify(basic('relay:wrong'))).toMatchObject({ ok: false, code: 'invalid_signature' });
    expect(verify('Bearer relay:s3cret')).toMatchObject({ ok: false, code: 'invalid_signature' });
    expect(verify('Basic !!!')).toMatchObject({ ok: false });
  });

  it('generic-hmac: the timestamp is part of the signed content, so it cannot be swapped', () => {
    const c = cases['generic-hmac'];
    if (!c) throw new Error('missing case');
    const source = sourceOf('generic-hmac', c.config);
    const headers = { ...c.sign(body, CURRENT, NOW), 'x-timestamp': String(seconds(NOW) + 1) };
    expect(adapterFor(source).verify({ headers, rawBody: body }, [CURRENT], source, NOW)).toMatchObject({
      code: 'invalid_signature',
    });
  });

  it('generic-hmac: a timestamp header needs a template that signs {timestamp}', () => {
    // Otherwise the timestamp is unsigned: anyone replaying a captured request rewrites it to pass the tolerance.
    expect(() =>
      sourceOf('generic-hmac', { signature: { header: 'x-sig', timestamp_header: 'x-ts' } }),
    ).toThrow(/signed_content/);
    expect(() =>
      sourceOf('generic-hmac', {
        signature: { header: 'x-sig', timestamp_header: 'x-ts', signed_content: 'v0:{body}' },
      }),
    ).toThrow(/\{timestamp\}/);
    expect(
      sourceOf('generic-hmac', {
        signature: { header: 'x-sig', timestamp_header: 'x-ts', signed_content: '{timestamp}.{body}' },
      }),
    ).toMatchObject({ kind: 'generic-hmac' });
  });

  it('generic-hmac: a template that uses {timestamp} needs a timestamp header', () => {
    expect(() =>
      sourceOf('generic-hmac', { signature: { header: 'x-sig', signed_content: '{timestamp}.{body}' } }),
    ).toThrow(/timestamp_header/);
    expect(() =>
      sourceOf('generic-hmac', { signature: { header: 'x-sig', signed_content: 'nobody' } }),
    ).toThrow(/\{body\}/);
  });
});
