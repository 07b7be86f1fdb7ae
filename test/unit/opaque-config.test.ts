// The two shapes of the configuration document (docs/adr/0021-opaque-source-parts-in-ingest-and-deliver.md):
// ingest and deliver read each source's hydration and mapping as opaque objects (a preset's name and kind
// checked, nothing else of them), and still refuse every structural error in what they do read; hydrate reads
// the same document resolved and refuses a bad mapping or hydration at load.
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { createDeliverHandler } from '../../functions/deliver/handler.ts';
import type { Fetch } from '../../functions/deliver/klaviyo-client.ts';
import { createHydrateHandler } from '../../functions/hydrate/handler.ts';
import { createIngestHandler } from '../../functions/ingest/handler.ts';
import {
  ConfigError,
  parseOpaqueRelayConfig,
  parseRelayConfig,
  validateOpaqueRelayConfig,
  validateRelayConfig,
} from '../../functions/shared/config/relay-config.ts';
import { createConfigLoader } from '../../functions/shared/config/loader.ts';
import { httpEvent, testContext } from '../helpers/http-event.ts';
import { eventFixture, webhookReceived } from '../helpers/stage-messages.ts';
import { sqsRecord } from '../helpers/sqs-record.ts';
import { LOCAL_MODE_ENV } from '../helpers/configs.ts';
import { acceptingSqs, DELIVER_QUEUES_ENV, HYDRATE_QUEUES_ENV } from '../helpers/handler-ports.ts';

const SHOP_SECRET = 'shpss_opaque_test';

/** A mapping and a hydration hydrate refuses: an expression that does not parse, an unknown key, no steps. */
const badMapping = {
  events: [{ metric: 'Placed Order', value: { expr: '$sum(line_items.price *' } }],
  no_such_setting: true,
};
const badHydration = { base_url: 'https://api.example.com', steps: [] };

const documentWith = (sources: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  version: 1,
  sources,
  klaviyo: { api_key: { env: 'KLAVIYO_API_KEY' } },
  ...extra,
});

/** Sources ingest and deliver accept as they are, and hydrate refuses. */
const unresolvedSources = {
  // Mapping and hydration written wrong.
  shop: { kind: 'shopify', secrets: [{ env: 'SHOP_SECRET' }], mapping: badMapping, hydration: badHydration },
  // A preset without what only the source can give (Stripe's API key): the preset is not resolved here.
  pay: { preset: 'stripe', secrets: [{ env: 'PAY_SECRET' }] },
};

const problemsOf = (validation: { success: true } | { success: false; problems: { path: string }[] }) =>
  validation.success ? [] : validation.problems.map((p) => p.path);

describe('the configuration as ingest and deliver read it (opaque)', () => {
  it('accepts hydration, mapping and a preset left unresolved, and keeps them as written', () => {
    const config = parseOpaqueRelayConfig(JSON.stringify(documentWith(unresolvedSources)), 'test');
    expect(config.sources.shop?.mapping).toEqual(badMapping);
    expect(config.sources.shop?.hydration).toEqual(badHydration);
    // The preset's kind is taken (ingest verifies by kind), with that kind's defaults; nothing else of it.
    expect(config.sources.pay).toEqual({
      kind: 'stripe',
      preset: 'stripe',
      secrets: [{ env: 'PAY_SECRET' }],
      tolerance_seconds: 300,
    });
  });

  it('is the same document hydrate refuses, for each of those reasons', () => {
    const refused = validateRelayConfig(documentWith(unresolvedSources));
    expect(refused.success).toBe(false);
    expect(() => parseRelayConfig(JSON.stringify(documentWith(unresolvedSources)), 'test')).toThrow(
      ConfigError,
    );
    const problems = (sources: Record<string, unknown>) =>
      problemsOf(validateRelayConfig(documentWith(sources)));
    expect(problems({ shop: { kind: 'shopify', secrets: [{ env: 'S' }], mapping: badMapping } })).toEqual(
      expect.arrayContaining(['sources.shop.mapping.events.0.value.expr', 'sources.shop.mapping']),
    );
    expect(problems({ shop: { kind: 'shopify', secrets: [{ env: 'S' }], hydration: badHydration } })).toEqual(
      ['sources.shop.hydration.steps'],
    );
    expect(problems({ pay: unresolvedSources.pay })).toEqual([
      'sources.pay.hydration.connections.stripe.auth',
    ]);
  });

  it('refuses a preset it cannot take a kind from, as the full parse does', () => {
    for (const validate of [validateOpaqueRelayConfig, validateRelayConfig]) {
      expect(validate(documentWith({ s: { preset: 'magento', secrets: [{ env: 'S' }] } }))).toEqual({
        success: false,
        problems: [
          {
            path: 'sources.s.preset',
            message: 'unknown preset; one of shopify, bigcommerce, stripe, woocommerce, zendesk',
          },
        ],
      });
      expect(
        validate(documentWith({ s: { kind: 'stripe', preset: 'shopify', secrets: [{ env: 'S' }] } })),
      ).toEqual({
        success: false,
        problems: [
          {
            path: 'sources.s.preset',
            message: 'the shopify preset reads shopify webhooks; this source\'s kind is "stripe"',
          },
        ],
      });
    }
  });

  it.each([
    ['mapping that is not an object', { mapping: 'Placed Order' }, 'sources.s.mapping'],
    ['mapping that is a list', { mapping: [] }, 'sources.s.mapping'],
    ['hydration that is not an object', { hydration: 'https://api.example.com' }, 'sources.s.hydration'],
    ['no secrets', { secrets: [] }, 'sources.s.secrets'],
    ['a secret reference of no known kind', { secrets: [{ vault: 'x' }] }, 'sources.s.secrets.0'],
    ['an unknown setting', { verify: false }, 'sources.s'],
    ['an event type that is not a value source', { event_type: 'x-topic' }, 'sources.s.event_type'],
    ['a body limit above 5 MiB', { max_body_bytes: 6 * 1024 * 1024 }, 'sources.s.max_body_bytes'],
    ['an unknown kind', { kind: 'paypal' }, 'sources.s.kind'],
  ])('still refuses %s', (_what, override, at) => {
    const source = { kind: 'shopify', secrets: [{ env: 'S' }], ...override };
    const validation = validateOpaqueRelayConfig(documentWith({ s: source }));
    expect(problemsOf(validation)).toContain(at);
    expect(problemsOf(validateRelayConfig(documentWith({ s: source })))).toContain(at);
  });

  it('still refuses structural errors outside the sources, and each kind its own settings', () => {
    const refuses = (document: unknown, at: string) =>
      expect(problemsOf(validateOpaqueRelayConfig(document))).toContain(at);
    refuses(documentWith({ 'Bad Name': { kind: 'shopify', secrets: [{ env: 'S' }] } }), 'sources.Bad Name');
    refuses(documentWith({ gh: { kind: 'generic-hmac', secrets: [{ env: 'S' }] } }), 'sources.gh.signature');
    refuses(
      documentWith({ t: { kind: 'token', secrets: [{ env: 'S' }], scheme: 'digest' } }),
      'sources.t.scheme',
    );
    refuses(
      { ...documentWith({}), klaviyo: { api_key: { env: 'K' }, revision: 'latest' } },
      'klaviyo.revision',
    );
    refuses({ ...documentWith({}), klaviyo: {} }, 'klaviyo.api_key');
    refuses(documentWith({}, { ingest: { claim_lease_seconds: 29 } }), 'ingest.claim_lease_seconds');
    refuses(documentWith({}, { version: 2 }), 'version');
    refuses(documentWith({}, { extra: true }), '(root)');
    expect(() => parseOpaqueRelayConfig('{ nope', 'ssm:/cfg')).toThrow(/ssm:\/cfg: not valid JSON/);
    expect(() =>
      parseOpaqueRelayConfig(JSON.stringify(documentWith({ s: { kind: 'shopify', secrets: [] } })), 'f.json'),
    ).toThrow(/f\.json: invalid relay configuration:\n {2}- sources\.s\.secrets: /);
  });

  it('drops nulls as the full parse does (what Terraform renders for unset attributes)', () => {
    const config = parseOpaqueRelayConfig(
      JSON.stringify(
        documentWith({
          shop: { kind: 'shopify', secrets: [{ env: 'S', ssm: null }], hydration: null, preset: null },
        }),
      ),
      'ssm:/relay/config',
    );
    expect(config.sources.shop).toEqual({ kind: 'shopify', secrets: [{ env: 'S' }] });
  });
});

describe('each function loads the document in its own shape', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
  async function configFile(document: unknown): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), 'opaque-config-'));
    dirs.push(dir);
    const file = path.join(dir, 'relay.json');
    await writeFile(file, JSON.stringify(document));
    return file;
  }

  it('ingest, with its default loader, accepts a webhook for a source whose mapping hydrate would refuse', async () => {
    const file = await configFile(documentWith(unresolvedSources));
    const sent: unknown[] = [];
    const handler = createIngestHandler({
      env: {
        ...LOCAL_MODE_ENV,
        RELAY_CONFIG_FILE: file,
        SHOP_SECRET,
        DEDUPE_TABLE_NAME: 'dedupe',
        HYDRATE_QUEUE_URL: 'http://sqs.local/000000000000/hydrate',
      },
      // The dedupe claim succeeds (a conditional put that finds nothing) and the enqueue is recorded.
      dynamodb: { send: () => Promise.resolve({}) } as unknown as DynamoDBClient,
      sqs: {
        send: (command: { input: unknown }) => {
          sent.push(command.input);
          return Promise.resolve({ MessageId: randomUUID() });
        },
      } as unknown as SQSClient,
    });
    const body = JSON.stringify({ id: 1, email: 'ada@example.com' });
    const result = await handler(
      httpEvent({
        source: 'shop',
        body,
        headers: {
          'content-type': 'application/json',
          'x-shopify-hmac-sha256': createHmac('sha256', SHOP_SECRET).update(body).digest('base64'),
          'x-shopify-event-id': randomUUID(),
          'x-shopify-topic': 'orders/create',
        },
      }),
      testContext(),
    );
    expect(result.statusCode).toBe(202);
    expect(sent).toHaveLength(1);
  });

  it('deliver, with its default loader, delivers while the sources hold mappings hydrate would refuse', async () => {
    const file = await configFile({
      ...documentWith(unresolvedSources),
      klaviyo: { api_key: { env: 'KLAVIYO_API_KEY' }, base_url: 'http://klaviyo.test/' },
    });
    const urls: string[] = [];
    const fakeFetch: Fetch = (url) => {
      urls.push(url as string);
      return Promise.resolve(new Response(null, { status: 202 }));
    };
    const handler = createDeliverHandler({
      env: {
        ...LOCAL_MODE_ENV,
        RELAY_CONFIG_FILE: file,
        KLAVIYO_API_KEY: 'pk_test',
        ...DELIVER_QUEUES_ENV,
      },
      sqs: acceptingSqs(),
      fetch: fakeFetch,
    });
    const result = await handler(sqsEvent(), testContext('deliver'));
    expect(result.batchItemFailures).toEqual([]);
    expect(urls).toEqual(['http://klaviyo.test/api/events']);
  });

  it('hydrate refuses such a mapping at load, naming the field, and its default loader defers the source', async () => {
    const file = await configFile(documentWith({ shop: unresolvedSources.shop }));
    const load = createConfigLoader(parseRelayConfig, { RELAY_CONFIG_FILE: file });
    await expect(load()).rejects.toThrow(
      /sources\.shop\.mapping\.events\.0\.value\.expr: JSONata syntax error/,
    );
    // The handler reads the document per source: the record is not hydrated, and waits (deferred to the hydrate
    // queue, not a failure) until the source's part is fixed (docs/adr/0025-…-source-isolation.md).
    const sent: { QueueUrl?: string; DelaySeconds?: number }[] = [];
    const handler = createHydrateHandler({
      env: {
        RELAY_CONFIG_FILE: file,
        ...HYDRATE_QUEUES_ENV,
      },
      sqs: {
        send: (command: { input: { QueueUrl?: string; DelaySeconds?: number } }) => {
          sent.push(command.input);
          return Promise.resolve({});
        },
      } as unknown as SQSClient,
    });
    const result = await handler(hydrateEvent(), testContext('hydrate'));
    expect(result.batchItemFailures).toEqual([]);
    expect(sent).toMatchObject([{ QueueUrl: 'http://sqs.local/000000000000/hydrate', DelaySeconds: 300 }]);
  });
});

function recordOf(body: unknown): SQSEvent['Records'][number] {
  return sqsRecord({ id: 'm-1', body: JSON.stringify(body) });
}

const sqsEvent = (): SQSEvent => ({ Records: [recordOf(eventFixture(1))] });

const hydrateEvent = (): SQSEvent => ({
  Records: [
    recordOf(
      webhookReceived({
        source: 'shop',
        id: 'd-1',
        eventType: 'orders/create',
        receivedAt: '2026-12-03T10:00:00.000Z',
        payload: { id: 1, email: 'ada@example.com' },
      }),
    ),
  ],
});
