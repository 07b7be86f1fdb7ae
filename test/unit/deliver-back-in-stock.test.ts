// Back-in-stock subscriptions in deliver: one Create Back In Stock Subscription call each, on its own pacer; the
// variant named as the catalog sync writes it; 202 delivered, 429/5xx retried, another 4xx dead-lettered with
// Klaviyo's error; an exact repeat sent once. Then through deliverBatch against the Klaviyo mock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACK_IN_STOCK_PATH,
  backInStockBody,
  deliverBackInStock,
} from '../../functions/deliver/deliver-back-in-stock.ts';
import { deliverBatch } from '../../functions/deliver/deliver-batch.ts';
import { createPacers, PUBLISHED_LIMITS } from '../../functions/deliver/endpoint-pacers.ts';
import {
  createKlaviyoClient,
  KlaviyoRejection,
  type KlaviyoClient,
} from '../../functions/deliver/klaviyo-client.ts';
import { klaviyoSettingsSchema } from '../../functions/shared/config/relay-config.ts';
import { createLogger } from '../../functions/shared/logger.ts';
import { RetryableError } from '../../functions/shared/stage/errors.ts';
import { klaviyoBackInStockV1Schema, type DeliverMessage } from '../../functions/shared/stage/contracts.ts';
import type { ParsedRecord } from '../../functions/shared/stage/stage-options.ts';
import { loadKlaviyoContract, startKlaviyoMock, type KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { backInStockFixture, catalogVariantsInMock } from '../helpers/back-in-stock-messages.ts';

const log = createLogger('deliver');

function scriptedKlaviyo(script: (Error | undefined)[] = []) {
  const calls: { path: string; body: unknown }[] = [];
  const klaviyo: KlaviyoClient = {
    post(path, body) {
      calls.push({ path, body });
      const error = script.shift();
      return error ? Promise.reject(error) : Promise.resolve(new Response(null, { status: 202 }));
    },
  };
  return { klaviyo, calls };
}

const ports = (klaviyo: KlaviyoClient) => ({
  klaviyo,
  counters: { count: () => undefined },
  deadline: Number.POSITIVE_INFINITY,
  logOf: () => log,
  maxInFlight: 1,
});

describe('klaviyo.back-in-stock v1', () => {
  it('names a profile, a variant and one or two channels, each once', () => {
    const parse = (fields: Record<string, unknown>) =>
      klaviyoBackInStockV1Schema().safeParse({ ...backInStockFixture('d'), ...fields }).success;
    expect(parse({})).toBe(true);
    expect(parse({ channels: ['EMAIL', 'SMS'] })).toBe(true);
    expect(parse({ channels: [] })).toBe(false);
    expect(parse({ channels: ['SMS', 'SMS'] })).toBe(false);
    expect(parse({ channels: ['PUSH'] })).toBe(false);
    expect(parse({ profile: {} })).toBe(false);
    expect(parse({ variant_external_id: '' })).toBe(false);
  });
});

describe('deliverBackInStock', () => {
  it("builds Klaviyo's body, which the project's contract accepts", () => {
    const body = backInStockBody(
      backInStockFixture('d', {
        profile: { id: '01K', phone_number: '+15005550006' },
        channels: ['SMS', 'EMAIL'],
      }),
    );
    expect(body).toEqual({
      data: {
        type: 'back-in-stock-subscription',
        attributes: {
          channels: ['SMS', 'EMAIL'],
          profile: { data: { type: 'profile', id: '01K', attributes: { phone_number: '+15005550006' } } },
        },
        relationships: { variant: { data: { type: 'catalog-variant', id: '$custom:::$default:::SKU-1-M' } } },
      },
    });
    expect(loadKlaviyoContract().operations.create_back_in_stock_subscription.validateBody(body)).toBeNull();
  });

  it('sends one call each, an exact repeat once; 429/5xx retry, a 400 dead-letters with Klaviyo’s error', async () => {
    const refusal = new KlaviyoRejection(
      'POST answered 400',
      'klaviyo_400',
      400,
      [{ detail: 'bad variant' }],
      [{ detail: 'bad variant' }],
    );
    const { klaviyo, calls } = scriptedKlaviyo([
      undefined,
      new RetryableError('429', 'klaviyo_throttled', 3),
      new RetryableError('503', 'klaviyo_503'),
      refusal,
    ]);
    const items = ['a', 'b', 'c', 'd'].map((id, i) => ({
      id,
      message: backInStockFixture(id, { variant_external_id: `SKU-${i}` }),
    }));
    const again = { id: 'a-again', message: backInStockFixture('a-again', { variant_external_id: 'SKU-0' }) };
    const outcomes = await deliverBackInStock([...items, again], ports(klaviyo));
    expect(calls.map((c) => c.path)).toEqual(Array.from({ length: 4 }, () => BACK_IN_STOCK_PATH));
    expect(Object.fromEntries([...outcomes].map(([id, o]) => [id, o.kind]))).toEqual({
      a: 'done',
      'a-again': 'done',
      b: 'retry',
      c: 'retry',
      d: 'dead-letter',
    });
    expect(outcomes.get('d')).toMatchObject({
      error: { reason: 'klaviyo_400', detail: [{ detail: 'bad variant' }] },
    });
  });

  it('has its own pacer at its published limits', () => {
    expect(PUBLISHED_LIMITS[BACK_IN_STOCK_PATH]).toEqual({ burst: 350, steady: 3_500 });
    const pacers = createPacers({ rate_budget_share: 1, max_concurrency: 1, max_pacing_wait_ms: 1_000 });
    expect(pacers(BACK_IN_STOCK_PATH)).not.toBe(pacers('/api/events'));
  });
});

describe('deliverBatch: back in stock against the Klaviyo mock', () => {
  let mock: KlaviyoMock;
  beforeAll(async () => {
    mock = await startKlaviyoMock({ apiKey: 'pk_bis' });
    // The mock subscribes only to variants its catalog holds, as Klaviyo does.
    await catalogVariantsInMock(mock, ['SKU-1-M', 'SKU-2'], { apiKey: 'pk_bis' });
  });
  afterAll(async () => {
    await mock.close();
  });

  it('subscribes each profile to its variant once, and dead-letters what Klaviyo refuses', async () => {
    const settings = klaviyoSettingsSchema().parse({
      api_key: { env: 'K' },
      base_url: mock.url,
      max_concurrency: 1,
    });
    const klaviyo = createKlaviyoClient({
      settings,
      apiKey: () => Promise.resolve('pk_bis'),
      pacer: createPacers(settings),
    });
    const record = (id: string, message: DeliverMessage) =>
      ({ id, message, log, record: {} }) as unknown as ParsedRecord<DeliverMessage>;
    const ada = backInStockFixture('ada', {
      channels: ['EMAIL', 'SMS'],
      profile: { email: 'ada@example.com', phone_number: '+15005550006' },
    });
    const outcomes = await deliverBatch(
      [
        record('ada', ada),
        record('ada-redelivered', ada),
        record(
          'bob',
          backInStockFixture('bob', { profile: { email: 'bob@example.com' }, variant_external_id: 'SKU-2' }),
        ),
        record('ghost', backInStockFixture('ghost', { profile: { id: '01NOPE' } })),
      ],
      { klaviyo, settings, counters: { count: () => undefined }, log, deadline: Date.now() + 30_000 },
    );
    expect(Object.fromEntries([...outcomes].map(([id, o]) => [id, o.kind]))).toEqual({
      ada: 'done',
      'ada-redelivered': 'done',
      bob: 'done',
      ghost: 'dead-letter',
    });
    expect(outcomes.get('ghost')).toMatchObject({
      error: {
        detail: [
          {
            detail: "No profile with id '01NOPE' exists.",
            source: { pointer: '/data/attributes/profile/data/id' },
          },
        ],
      },
    });
    expect(mock.backInStock().map((s) => [s.variantId, s.channels, s.writes])).toEqual([
      ['$custom:::$default:::SKU-1-M', ['EMAIL', 'SMS'], 1],
      ['$custom:::$default:::SKU-2', ['EMAIL'], 1],
    ]);
  });
});
