// Vectors are made the way each sender makes them (node:crypto HMAC over the exact bytes sent).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sourceSchema, type SourceConfig } from '../../functions/shared/config/relay-config.ts';
import { constantTimeEqual, decodeDigest } from '../../functions/ingest/sources/hmac.ts';
import { adapterFor } from '../../functions/ingest/sources/index.ts';
import { HttpError } from '../../functions/ingest/http-error.ts';

const body = Buffer.from('{"id":820982911946154508,"email":"jon@example.com","total_price":"199.00"}');
const shopify = sourceSchema().parse({ kind: 'shopify', secrets: [{ env: 'S' }] });
const shopifySig = (secret: string, bytes = body) =>
  createHmac('sha256', secret).update(bytes).digest('base64');

function generic(signature: Record<string, string>): SourceConfig {
  return sourceSchema().parse({ kind: 'generic-hmac', secrets: [{ env: 'S' }], signature });
}

describe('shopify', () => {
  const verify = (headers: Record<string, string>, secrets = ['current'], bytes = body) =>
    adapterFor(shopify).verify({ headers, rawBody: bytes }, secrets, shopify, Date.now());

  it('accepts the base64 HMAC-SHA256 of the raw body', () => {
    expect(verify({ 'x-shopify-hmac-sha256': shopifySig('current') })).toEqual({ ok: true });
  });
  it('rejects a tampered body', () => {
    const tampered = Buffer.from(body.toString().replace('199.00', '1.00'));
    expect(verify({ 'x-shopify-hmac-sha256': shopifySig('current') }, ['current'], tampered)).toMatchObject({
      ok: false,
      code: 'invalid_signature',
    });
  });
  it('rejects a signature made with another secret', () => {
    expect(verify({ 'x-shopify-hmac-sha256': shopifySig('other') })).toMatchObject({ ok: false });
  });
  it('says when the header is missing', () => {
    expect(verify({})).toMatchObject({ ok: false, code: 'missing_signature' });
  });
  it('accepts either secret while one is being rotated', () => {
    expect(verify({ 'x-shopify-hmac-sha256': shopifySig('old') }, ['new', 'old'])).toEqual({ ok: true });
    expect(verify({ 'x-shopify-hmac-sha256': shopifySig('new') }, ['new', 'old'])).toEqual({ ok: true });
  });
  it('rejects garbage and truncated signatures without throwing', () => {
    for (const value of ['', '!!!', shopifySig('current').slice(0, 10), 'a'.repeat(500)]) {
      expect(verify({ 'x-shopify-hmac-sha256': value }).ok).toBe(false);
    }
  });
  it('dedupes on X-Shopify-Event-Id, falling back to X-Shopify-Webhook-Id, and keeps metadata', () => {
    const request = {
      headers: {
        'x-shopify-event-id': 'evt-1',
        'x-shopify-webhook-id': 'wh-1',
        'x-shopify-topic': 'orders/create',
        'x-shopify-shop-domain': 'demo.myshopify.com',
        'x-shopify-api-version': '2026-07',
      },
      rawBody: body,
    };
    const [event] = adapterFor(shopify).events(request, {}, shopify);
    expect(event).toMatchObject({
      deliveryId: 'evt-1',
      eventType: 'orders/create',
      meta: {
        topic: 'orders/create',
        shop_domain: 'demo.myshopify.com',
        api_version: '2026-07',
        webhook_id: 'wh-1',
      },
    });
    const fallback = adapterFor(shopify).events(
      { headers: { 'x-shopify-webhook-id': 'wh-2' }, rawBody: body },
      {},
      shopify,
    );
    expect(fallback[0]?.deliveryId).toBe('wh-2');
    expect(() => adapterFor(shopify).events({ headers: {}, rawBody: body }, {}, shopify)).toThrowError(
      HttpError,
    );
  });
});

describe('generic-hmac', () => {
  const cases = [
    { algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' },
    { algorithm: 'sha1', encoding: 'hex', prefix: 'sha1=' },
    { algorithm: 'sha512', encoding: 'base64', prefix: '' },
  ] as const;
  for (const c of cases) {
    it(`verifies ${c.algorithm} ${c.encoding} with prefix "${c.prefix}"`, () => {
      const source = generic({ header: 'X-Signature', ...c });
      const good = c.prefix + createHmac(c.algorithm, 'k').update(body).digest(c.encoding);
      const adapter = adapterFor(source);
      expect(adapter.verify({ headers: { 'x-signature': good }, rawBody: body }, ['k'], source, 0)).toEqual({
        ok: true,
      });
      const wrong = adapter.verify(
        { headers: { 'x-signature': good }, rawBody: Buffer.from('x') },
        ['k'],
        source,
        0,
      );
      expect(wrong).toMatchObject({ ok: false, code: 'invalid_signature' });
      expect(adapter.verify({ headers: {}, rawBody: body }, ['k'], source, 0)).toMatchObject({
        ok: false,
        code: 'missing_signature',
      });
    });
  }
  it('requires the prefix', () => {
    const source = generic({ header: 'x-sig', prefix: 'sha256=' });
    const bare = createHmac('sha256', 'k').update(body).digest('hex');
    expect(
      adapterFor(source).verify({ headers: { 'x-sig': bare }, rawBody: body }, ['k'], source, 0).ok,
    ).toBe(false);
  });
  it('uses a body hash as the delivery id when none is configured', () => {
    const source = generic({ header: 'x-sig' });
    const [a] = adapterFor(source).events({ headers: {}, rawBody: body }, {}, source);
    const [b] = adapterFor(source).events({ headers: {}, rawBody: Buffer.from(body) }, {}, source);
    expect(a?.deliveryId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a?.deliveryId).toBe(b?.deliveryId);
  });
  it('refuses a request without the configured delivery id', () => {
    const source = sourceSchema().parse({
      kind: 'generic-hmac',
      secrets: [{ env: 'S' }],
      signature: { header: 'x-sig' },
      delivery_id: { path: 'meta.id' },
    });
    expect(
      adapterFor(source).events({ headers: {}, rawBody: body }, { meta: { id: 7 } }, source)[0]?.deliveryId,
    ).toBe('7');
    expect(() => adapterFor(source).events({ headers: {}, rawBody: body }, {}, source)).toThrow(
      /body path meta.id/,
    );
  });
});

describe('hmac primitives', () => {
  it('compares in constant time and never throws on unequal lengths', () => {
    expect(constantTimeEqual(Buffer.from('ab'), Buffer.from('ab'))).toBe(true);
    expect(constantTimeEqual(Buffer.from('ab'), Buffer.from('abc'))).toBe(false);
  });
  it('refuses malformed digests', () => {
    expect(decodeDigest('zz', 'hex')).toBeUndefined();
    expect(decodeDigest('abc', 'hex')).toBeUndefined();
    expect(decodeDigest('a b', 'base64')).toBeUndefined();
    expect(decodeDigest('q83v', 'base64')).toEqual(Buffer.from([0xab, 0xcd, 0xef]));
  });
});
