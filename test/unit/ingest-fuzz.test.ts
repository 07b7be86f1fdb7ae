// Property-based tests (fast-check) over hostile input: random bytes and random headers against every
// verifier, and against the whole handler's parsing path. Properties: nothing throws out of the handler,
// nothing is answered 5xx, and nothing is enqueued unless the request was validly signed.
import { SQSClient } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adapterFor } from '../../functions/ingest/sources/index.ts';
import {
  relayConfigSchema,
  sourceSchema,
  type SourceConfig,
} from '../../functions/shared/config/relay-config.ts';
import { signedHeaders } from '../../operations/sign.ts';
import { httpEvent, testContext } from '../helpers/http-event.ts';
import { useLocalAws } from '../helpers/local-aws.ts';
import { localIngest } from '../helpers/local-ingest.ts';

const KINDS: Record<string, Record<string, unknown>> = {
  shopify: {},
  stripe: {},
  'standard-webhooks': {},
  klaviyo: {},
  'klaviyo-flow': {},
  bigcommerce: {},
  woocommerce: {},
  zendesk: {},
  'generic-hmac': {
    signature: { header: 'x-sig', timestamp_header: 'x-ts', signed_content: '{timestamp}.{body}' },
  },
  token: { scheme: 'basic' },
};
// Every header any scheme reads, so random values land where verifiers look.
const HEADER_NAMES = [
  'x-shopify-hmac-sha256',
  'stripe-signature',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'klaviyo-signature',
  'klaviyo-timestamp',
  'klaviyo-webhook-id',
  'x-relay-secret',
  'x-wc-webhook-signature',
  'x-zendesk-webhook-signature',
  'x-zendesk-webhook-signature-timestamp',
  'x-sig',
  'x-ts',
  'authorization',
  'content-type',
];
const SECRET = 'fuzz-secret-value-1234567890';
const SW_SECRET = `whsec_${Buffer.from('fuzz-standard-webhooks-key-32byt').toString('base64')}`;

const headerValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.stringMatching(/^t=\d{1,12},v1=[0-9a-f]{0,64}$/),
  fc.stringMatching(/^v1,[A-Za-z0-9+/=]{0,60}( v1,[A-Za-z0-9+/=]{0,60})*$/),
  fc.stringMatching(/^(Bearer|Basic) [A-Za-z0-9+/=:]{0,40}$/),
  fc.integer({ min: 0, max: 4_000_000_000 }).map(String),
  fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
);
const headers = fc.dictionary(fc.constantFrom(...HEADER_NAMES), headerValue, { maxKeys: 8 });
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)),
  fc.json({ maxDepth: 6 }).map((text) => Buffer.from(text)),
  fc.integer({ min: 1, max: 3000 }).map((depth) => Buffer.from('['.repeat(depth) + ']'.repeat(depth))),
  fc.constant(Buffer.from('webhook_id=42')),
);

describe('verifiers under random input', () => {
  it.each(Object.entries(KINDS))('%s never throws and never accepts an unsigned request', (kind, extra) => {
    const source = sourceSchema().parse({ kind, secrets: [{ env: 'S' }], ...extra });
    const secrets = kind === 'standard-webhooks' ? [SW_SECRET] : [SECRET];
    fc.assert(
      fc.property(bytes, headers, fc.integer({ min: 0, max: 4_102_444_800_000 }), (rawBody, h, nowMs) => {
        const verdict = adapterFor(source).verify({ headers: h, rawBody }, secrets, source, nowMs);
        expect(verdict.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the handler under random requests', () => {
  const aws = useLocalAws();
  const config = relayConfigSchema().parse({
    version: 1,
    sources: Object.fromEntries(
      Object.entries(KINDS).map(([kind, extra]) => [
        kind,
        { kind, secrets: [{ env: kind === 'standard-webhooks' ? 'SW_SECRET' : 'SECRET' }], ...extra },
      ]),
    ),
    klaviyo: { api_key: { env: 'SECRET' } },
    ingest: { max_body_bytes: 4096 },
  });

  it('never throws, never answers 5xx, and enqueues only validly signed requests', async () => {
    // Counts every message the handler tries to enqueue.
    let enqueued = 0;
    const sqs = new SQSClient({
      endpoint: aws().sqsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    sqs.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { Entries?: unknown[] };
        enqueued += input.Entries?.length ?? 1;
        return next(args);
      },
      { step: 'initialize' },
    );
    const handler = localIngest(aws(), config, { SECRET, SW_SECRET }, { sqs });

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(KINDS), 'unknown'),
        bytes,
        headers,
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom('POST', 'POST', 'GET', 'PUT'),
        async (sourceName, body, randomHeaders, signIt, base64, method) => {
          const source: SourceConfig | undefined = config.sources[sourceName];
          const signed = signIt && source !== undefined && method === 'POST';
          const h = signed
            ? {
                ...randomHeaders,
                ...signedHeaders(source, body, source.kind === 'standard-webhooks' ? SW_SECRET : SECRET),
              }
            : randomHeaders;
          const before = enqueued;
          const result = await handler(
            httpEvent({ source: sourceName, body, headers: h, base64, method }),
            testContext(),
          );
          const status = result.statusCode ?? 0;
          expect(status).toBeGreaterThanOrEqual(200);
          expect(status).toBeLessThan(500);
          expect(() => JSON.parse(result.body ?? '') as unknown).not.toThrow();
          if (!signed) expect(enqueued).toBe(before);
        },
      ),
      { numRuns: 250 },
    );
    // The signed half of the input must reach the queue sometimes, or the property proves little.
    expect(enqueued).toBeGreaterThan(0);
  });
});
