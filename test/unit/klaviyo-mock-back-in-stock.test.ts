// The Klaviyo mock's Create Back In Stock Subscription: 202 with no body, the profile found or created, one
// subscription per profile and catalog variant (channels joined, writes counted); refused with 400 at the field
// when the body breaks the contract or Klaviyo's other rules (a variant the catalog does not hold among them),
// recording nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backInStockBody } from '../../functions/deliver/deliver-back-in-stock.ts';
import { startKlaviyoMock, type KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { backInStockFixture, catalogVariantsInMock } from '../helpers/back-in-stock-messages.ts';
import { callMock as call, onlyError } from '../helpers/klaviyo-mock-calls.ts';

const PATH = '/api/back-in-stock-subscriptions';
const body = (fields: Parameters<typeof backInStockFixture>[1] = {}) =>
  backInStockBody(backInStockFixture('d', fields));

describe('Klaviyo mock: back in stock', () => {
  let mock: KlaviyoMock;
  beforeAll(async () => {
    mock = await startKlaviyoMock({ now: () => Date.UTC(2026, 11, 7, 12) });
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(async () => {
    mock.reset();
    await catalogVariantsInMock(mock, ['SKU-1-M', 'SKU-1-L'], { item: 'SKU-1' });
  });

  it('subscribes a profile to a variant once, joining the channels of each request', async () => {
    expect(await call(mock, 'POST', PATH, body())).toMatchObject({ status: 202, json: undefined });
    expect(await call(mock, 'POST', PATH, body({ channels: ['SMS', 'EMAIL'] }))).toMatchObject({
      status: 202,
    });
    expect(await call(mock, 'POST', PATH, body({ variant_external_id: 'SKU-1-L' }))).toMatchObject({
      status: 202,
    });
    const [ada] = mock.profiles();
    expect(mock.profiles()).toHaveLength(1);
    expect(mock.backInStock()).toMatchObject([
      {
        profileId: ada?.id,
        variantId: '$custom:::$default:::SKU-1-M',
        channels: ['EMAIL', 'SMS'],
        writes: 2,
      },
      { profileId: ada?.id, variantId: '$custom:::$default:::SKU-1-L', channels: ['EMAIL'], writes: 1 },
    ]);
    const listed = await fetch(`${mock.url}/_mock/back-in-stock`).then((r) => r.json());
    expect(listed).toMatchObject({ count: 2 });
  });

  const variant = (id: string) => ({ variant: { data: { type: 'catalog-variant', id } } });
  const refusals: [string, unknown, string][] = [
    [
      'no channels',
      { data: { ...body().data, attributes: { ...body().data.attributes, channels: [] } } },
      '/data/attributes/channels',
    ],
    [
      'a channel twice',
      { data: { ...body().data, attributes: { ...body().data.attributes, channels: ['SMS', 'SMS'] } } },
      '/data/attributes/channels',
    ],
    [
      'an unknown channel',
      { data: { ...body().data, attributes: { ...body().data.attributes, channels: ['FAX'] } } },
      '/data/attributes/channels/0',
    ],
    ['no variant', { data: { ...body().data, relationships: {} } }, '/data/relationships/variant'],
    [
      'a variant id that is not one',
      { data: { ...body().data, relationships: variant('SKU-1-M') } },
      '/data/relationships/variant/data/id',
    ],
    [
      'a variant the catalog does not hold',
      { data: { ...body().data, relationships: variant('$custom:::$default:::SKU-9') } },
      '/data/relationships/variant/data/id',
    ],
    [
      'no profile identifier',
      {
        data: {
          ...body().data,
          attributes: { channels: ['EMAIL'], profile: { data: { type: 'profile', attributes: {} } } },
        },
      },
      '/data/attributes/profile',
    ],
    [
      'a Klaviyo id that does not exist',
      body({ profile: { id: '01NOPE' } }),
      '/data/attributes/profile/data/id',
    ],
  ];
  it.each(refusals)('refuses %s, recording nothing', async (_what, refused, pointer) => {
    const reply = await call(mock, 'POST', PATH, refused);
    expect(reply.status).toBe(400);
    expect(onlyError(reply).source.pointer).toBe(pointer);
    expect(mock.backInStock()).toEqual([]);
  });

  it('subscribes to a variant only while the catalog holds it', async () => {
    const deleted = await call(mock, 'POST', '/api/catalog-variant-bulk-delete-jobs', {
      data: {
        type: 'catalog-variant-bulk-delete-job',
        attributes: {
          variants: { data: [{ type: 'catalog-variant', id: '$custom:::$default:::SKU-1-M' }] },
        },
      },
    });
    expect(deleted.status).toBe(202);
    const reply = await call(mock, 'POST', PATH, body());
    expect(reply.status).toBe(400);
    expect(onlyError(reply)).toMatchObject({
      code: 'invalid',
      detail: "The catalog variant '$custom:::$default:::SKU-1-M' does not exist.",
      source: { pointer: '/data/relationships/variant/data/id' },
    });
    expect(await call(mock, 'POST', PATH, body({ variant_external_id: 'SKU-1-L' }))).toMatchObject({
      status: 202,
    });
    expect(mock.backInStock().map((s) => s.variantId)).toEqual(['$custom:::$default:::SKU-1-L']);
  });
});
