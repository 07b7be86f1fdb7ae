// Mapping to consent writes: each entry of `subscriptions` and `unsubscriptions` becomes a `klaviyo.consent`
// message for its channel (named by the channel's identifier, in its list, versioned by `as_of`), and what cannot
// be written — no identifier that fits the channel, a consented_at that is no time or in the future — is skipped
// with a reason, never dead-lettered, while the webhook's other writes go on. Also: profile.as_of, and a replayed
// webhook's consent left out like its profile write.
import { describe, expect, it, vi } from 'vitest';
import { hydrateEvent } from '../../functions/hydrate/hydrate-event.ts';
import { mapToKlaviyoMessages } from '../../functions/hydrate/map-to-klaviyo.ts';
import { reportSkipped } from '../../functions/hydrate/mapping/report-skipped.ts';
import { relayConfigSchema, sourceSchema } from '../../functions/shared/config/relay-config.ts';
import {
  klaviyoConsentV1Schema,
  type KlaviyoConsentV1,
  type WebhookReceivedV1,
} from '../../functions/shared/stage/contracts.ts';
import type { Logger } from '../../functions/shared/logger.ts';
import type { MessageQueue } from '../../functions/shared/stage/sqs-queue.ts';
import { webhookReceived } from '../helpers/stage-messages.ts';

const RECEIVED = '2026-11-23T10:00:00.000Z';
const customer = {
  email: 'ada@example.com',
  phone: '+442071838750',
  updated_at: '2026-11-20T09:00:00Z',
  email_consent: { state: 'subscribed', at: '2026-11-19T08:00:00Z' },
  sms_consent: { state: 'unsubscribed', at: '2026-11-18T07:00:00Z' },
};

const webhook = (payload: unknown, more: Partial<WebhookReceivedV1> = {}): WebhookReceivedV1 =>
  webhookReceived(
    { source: 'shop', id: 'd-1', eventType: 'customers/update', receivedAt: RECEIVED, payload },
    more,
  );

const consentMapping = {
  profile: { email: ['event.email'], phone_number: ['event.phone'], as_of: 'event.updated_at' },
  emit: 'profile',
  profile_attributes: { first_name: 'event.first_name' },
  list: 'newsletter',
  subscriptions: [
    {
      id: 'email',
      channel: 'email',
      when: { expr: "event.email_consent.state = 'subscribed'" },
      consented_at: 'event.email_consent.at',
      as_of: 'event.email_consent.at',
    },
    {
      id: 'sms',
      channel: 'sms',
      list: 'Sms123',
      when: { expr: "event.sms_consent.state = 'subscribed'" },
      as_of: 'event.sms_consent.at',
    },
  ],
  unsubscriptions: [
    {
      id: 'sms',
      channel: 'sms',
      when: { expr: "event.sms_consent.state = 'unsubscribed'" },
      as_of: 'event.sms_consent.at',
    },
  ],
};

const LISTS = { newsletter: 'News12' };
const sourceWith = (mapping: Record<string, unknown>) =>
  sourceSchema().parse({ kind: 'shopify', secrets: [{ env: 'S' }], mapping });

const map = (mapping: Record<string, unknown>, payload: unknown = customer) =>
  mapToKlaviyoMessages(webhook(payload), sourceWith(mapping), { event: payload, meta: {} }, undefined, LISTS);

const consentOf = (messages: readonly { type: string }[]) =>
  messages.filter((m): m is KlaviyoConsentV1 => m.type === 'klaviyo.consent');

describe('mapping consent', () => {
  it('subscribes on email (historical import, default list) and unsubscribes on sms, each with its version', async () => {
    const { messages, skipped } = await map(consentMapping);
    // The sms subscription's `when` does not hold: not a skip, another state's entry.
    expect(skipped).toEqual([]);
    expect(messages.map((m) => m.type)).toEqual([
      'klaviyo.profile-upsert',
      'klaviyo.consent',
      'klaviyo.consent',
    ]);
    const trace = { correlation_id: 'shop:d-1', source: 'shop', delivery_id: 'd-1' };
    expect(consentOf(messages)).toEqual([
      {
        type: 'klaviyo.consent',
        version: 1,
        ...trace,
        channel: 'email',
        consent: 'subscribed',
        profile: { email: 'ada@example.com', phone_number: '+442071838750' },
        list_id: 'News12',
        consented_at: '2026-11-19T08:00:00.000Z',
        as_of: '2026-11-19T08:00:00.000Z',
      },
      {
        type: 'klaviyo.consent',
        version: 1,
        ...trace,
        channel: 'sms',
        consent: 'unsubscribed',
        profile: { email: 'ada@example.com', phone_number: '+442071838750' },
        // The source's list is where subscriptions go; an unsubscription withdraws the channel's consent.
        as_of: '2026-11-18T07:00:00.000Z',
      },
    ]);
    for (const m of consentOf(messages)) expect(klaviyoConsentV1Schema().safeParse(m).success).toBe(true);
    // The profile upsert carries the record's own version.
    expect(messages[0]).toMatchObject({ type: 'klaviyo.profile-upsert', as_of: '2026-11-20T09:00:00.000Z' });
  });

  it('an entry with its own list id subscribes into it; no consented_at means no historical import', async () => {
    const payload = { ...customer, sms_consent: { state: 'subscribed', at: '2026-11-18T07:00:00Z' } };
    const [, sms] = consentOf((await map(consentMapping, payload)).messages);
    expect(sms).toMatchObject({ channel: 'sms', consent: 'subscribed', list_id: 'Sms123' });
    expect(sms).not.toHaveProperty('consented_at');
  });

  it('skips an SMS write whose phone number is not E.164, with the reason; the rest goes on', async () => {
    for (const phone of ['020 7183 8750', '+44 20 7183 8750', '442071838750', '+0442071838750']) {
      const { messages, skipped } = await map(consentMapping, { ...customer, phone });
      expect(skipped).toContainEqual({
        where: 'sources.shop.mapping.unsubscriptions[0]',
        reason: 'the phone number is not E.164 (a + and the country code, digits only, e.g. +12075550142)',
      });
      // The email subscription is still written, without the phone number Klaviyo would refuse.
      expect(consentOf(messages)).toHaveLength(1);
      expect(consentOf(messages)[0]?.profile).toEqual({ email: 'ada@example.com' });
    }
    const { skipped } = await map(consentMapping, { ...customer, phone: null });
    expect(skipped).toContainEqual({
      where: 'sources.shop.mapping.unsubscriptions[0]',
      reason: 'no phone number for the sms channel',
    });
  });

  it('skips an email write without a valid address, with the reason', async () => {
    for (const email of ['ada', 'ada@example', 'ada @example.com', 'a@b@example.com']) {
      const { skipped } = await map(consentMapping, { ...customer, email, phone: '+442071838750' });
      expect(skipped).toContainEqual({
        where: 'sources.shop.mapping.subscriptions[0]',
        reason: 'the email address is not a valid address',
      });
    }
  });

  it('skips a subscription whose consented_at is in the future or no time, with the reason', async () => {
    const future = await map(consentMapping, {
      ...customer,
      email_consent: { state: 'subscribed', at: '2026-11-23T10:00:01Z' },
    });
    expect(consentOf(future.messages).map((m) => m.channel)).toEqual(['sms']);
    expect(future.skipped).toContainEqual({
      where: 'sources.shop.mapping.subscriptions[0].consented_at',
      reason: `consented_at 2026-11-23T10:00:01.000Z is after the webhook was received (${RECEIVED}); Klaviyo takes only a past one`,
    });
    // Compared as times, not as text: half a second after a received_at written without milliseconds is after it.
    const payload = { ...customer, email_consent: { state: 'subscribed', at: '2026-11-19T08:00:00.500Z' } };
    const late = await mapToKlaviyoMessages(
      webhook(payload, { received_at: '2026-11-19T08:00:00Z' }),
      sourceWith(consentMapping),
      { event: payload, meta: {} },
      undefined,
      LISTS,
    );
    expect(late.skipped.map((skip) => skip.where)).toEqual([
      'sources.shop.mapping.subscriptions[0].consented_at',
    ]);
    const garbled = await map(consentMapping, {
      ...customer,
      email_consent: { state: 'subscribed', at: 'yesterday' },
    });
    expect(garbled.skipped).toContainEqual({
      where: 'sources.shop.mapping.subscriptions[0].consented_at',
      reason: 'consented_at is not a time',
    });
  });

  it('writes nothing for a state no entry is for (pending, not_subscribed)', async () => {
    for (const state of ['pending', 'not_subscribed']) {
      const payload = { ...customer, email_consent: { state }, sms_consent: { state } };
      const { messages } = await map(consentMapping, payload);
      expect(consentOf(messages)).toEqual([]);
    }
  });

  it('an entry for other event types is passed by without a skip', async () => {
    const mapping = {
      ...consentMapping,
      subscriptions: [{ id: 'email', channel: 'email', event_types: ['orders/create'] }],
      unsubscriptions: undefined,
    };
    const { messages, skipped } = await map(mapping);
    expect(consentOf(messages)).toEqual([]);
    expect(skipped).toEqual([]);
  });

  it('a webhook that becomes consent alone needs no identifier beyond its entries', async () => {
    const mapping = {
      subscriptions: [{ id: 'sms', channel: 'sms', profile: { phone_number: ['event.phone'] } }],
      events: [{ id: 'never', event_types: ['orders/create'] }],
    };
    const { messages } = await map(mapping, { phone: '+12075550142' });
    expect(consentOf(messages)).toMatchObject([{ profile: { phone_number: '+12075550142' } }]);
  });

  it('as_of that is no time falls back to the received time, and is reported', async () => {
    const payload = {
      ...customer,
      updated_at: 'soon',
      sms_consent: { state: 'unsubscribed', at: 42n.toString() },
    };
    const { messages, timeFallbacks } = await map(consentMapping, payload);
    expect(messages[0]).toMatchObject({ as_of: RECEIVED });
    expect(timeFallbacks).toContainEqual({ where: 'sources.shop.mapping.profile.as_of', value: 'soon' });
  });

  it('without as_of, a state write is versioned by when the relay received the webhook', async () => {
    const { messages } = await map({
      profile: { email: ['event.email'] },
      emit: 'profile',
      profile_attributes: { first_name: 'event.first_name' },
      unsubscriptions: [{ id: 'email', channel: 'email' }],
    });
    expect(messages.map((m) => (m as { as_of?: string }).as_of)).toEqual([RECEIVED, RECEIVED]);
  });
});

describe('skipped writes are reported', () => {
  it('a mapping problem is a warning with its reason and counted apart from filter skips', () => {
    const log = { info: vi.fn(), warn: vi.fn() };
    const count = vi.fn();
    reportSkipped(
      [{ where: 'a.filter' }, { where: 'sources.shop.mapping.subscriptions[0]', reason: 'no phone number' }],
      { log: log as unknown as Logger, count },
    );
    expect(count).toHaveBeenCalledWith('skipped_by_filter', 1);
    expect(count).toHaveBeenCalledWith('skipped_by_mapping_problem', 1);
    expect(log.warn).toHaveBeenCalledWith(
      'writes skipped: the mapping gave what Klaviyo cannot take',
      expect.objectContaining({
        reason: 'mapping_problem',
        skipped: [{ where: 'sources.shop.mapping.subscriptions[0]', reason: 'no phone number' }],
      }),
    );
  });
});

describe('hydrate sends consent writes to deliver', () => {
  const config = relayConfigSchema().parse({
    version: 1,
    sources: { shop: { kind: 'shopify', secrets: [{ env: 'S' }], mapping: consentMapping } },
    klaviyo: { api_key: { env: 'K' }, lists: LISTS },
  });
  async function hydrated(message: WebhookReceivedV1) {
    const bodies: string[] = [];
    const deliverQueue: MessageQueue = {
      maxBodyBytes: 1_000_000,
      send: (m) => Promise.resolve(void bodies.push(m.body)),
      sendBatch: (ms) =>
        Promise.resolve(void bodies.push(...ms.map((m) => m.body))).then(() => ({
          failedIds: [],
          reasons: [],
        })),
    };
    await hydrateEvent(message, {
      config,
      deliverQueue,
      log: { info: vi.fn(), warn: vi.fn() } as unknown as Logger,
      fetch: () => Promise.reject(new Error('no source API in this test')),
      resolveSecret: () => Promise.reject(new Error('no secrets in this test')),
      now: Date.now,
    });
    return bodies.map((b) => JSON.parse(b) as { type: string; list_id?: string });
  }

  it('with the list named in klaviyo.lists resolved to its id', async () => {
    const sent = await hydrated(webhook(customer));
    expect(sent.map((m) => m.type)).toEqual(['klaviyo.profile-upsert', 'klaviyo.consent', 'klaviyo.consent']);
    expect(sent[1]?.list_id).toBe('News12');
  });

  it('a replayed webhook sends no consent (state) unless asked', async () => {
    expect((await hydrated(webhook(customer, { replay: { profiles: false } }))).map((m) => m.type)).toEqual(
      [],
    );
    expect((await hydrated(webhook(customer, { replay: { profiles: true } }))).map((m) => m.type)).toEqual([
      'klaviyo.profile-upsert',
      'klaviyo.consent',
      'klaviyo.consent',
    ]);
  });
});
