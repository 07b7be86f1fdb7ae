// The stripe preset's subscriptions as custom-object records, opt-in per source: a source that names the preset's
// `subscriptions` entry with its data source id gets, beside the preset's events, one record per
// `customer.subscription.*` webhook, named by the subscription id (the same for every webhook about it), its times
// as ISO 8601 and its amount in the major unit; a source that does not opt in writes no record.
import { describe, expect, it } from 'vitest';
import { mapWebhookFile } from '../../cli/commands/map.ts';
import { mapPresetCase, type PresetCase } from '../helpers/preset-cases.ts';

const DIR = 'test/fixtures/presets/stripe';

const stripeCase = (topic: string): PresetCase => {
  const fixture = topic.replace(/\./g, '-');
  return { topic, fixture, headers: [], responses: fixture };
};
const optedIn = (c: PresetCase) =>
  mapWebhookFile({
    config: `${DIR}/records-config.json`,
    source: 'stripe',
    file: `${DIR}/${c.fixture ?? ''}.json`,
    header: c.headers,
    responses: `${DIR}/responses/${c.responses ?? ''}`,
  });
const recordOf = (requests: { path: string; body: unknown }[]) =>
  (
    requests.find((r) => r.path === '/api/data-source-record-create-jobs')?.body as
      | { data: { attributes: { 'data-source-record': { data: { attributes: { record: unknown } } } } } }
      | undefined
  )?.data.attributes['data-source-record'].data.attributes.record;

describe('stripe preset: subscriptions as records (opt-in)', () => {
  it('a subscription update becomes one record named by the subscription id, beside its event', async () => {
    const result = await optedIn(stripeCase('customer.subscription.updated'));
    expect(result.failure).toBeUndefined();
    expect(result.requests.map((r) => r.path)).toEqual([
      '/api/events',
      '/api/data-source-record-create-jobs',
    ]);
    expect(recordOf(result.requests)).toEqual({
      id: 'sub_1QyZvQLkdIwHu7ixJournal',
      customer_id: 'cus_RkP3a9ZqL1mN7x',
      customer_email: 'marie.curie@example.com',
      status: 'active',
      currency: 'EUR',
      amount: 38,
      quantity: 2,
      interval: 'month',
      price_ids: ['price_1QyZvJournalMonthly'],
      product_ids: ['prod_RkP5Journal'],
      cancel_at_period_end: false,
      started_at: '2026-11-20T14:14:56.000Z',
      current_period_end: '2026-12-20T14:14:56.000Z',
      trial_end: null,
      cancel_at: null,
      canceled_at: null,
      ended_at: null,
    });
  });

  it('a deleted subscription updates the same record: canceled, with when it ended', async () => {
    const result = await optedIn(stripeCase('customer.subscription.deleted'));
    expect(recordOf(result.requests)).toMatchObject({
      id: 'sub_1QyZvQLkdIwHu7ixJournal',
      status: 'canceled',
      canceled_at: '2026-12-10T15:14:56.000Z',
      ended_at: '2026-12-10T15:14:56.000Z',
    });
  });

  it('a source that does not opt in writes no record', async () => {
    const result = await mapPresetCase('stripe', stripeCase('customer.subscription.updated'));
    expect(recordOf(result.requests)).toBeUndefined();
  });
});
