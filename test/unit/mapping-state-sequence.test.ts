// Sequence numbers as a state write's version (issue 20): a mapping says so explicitly (`profile.sequence`, and
// `sequence` in a consent entry), and the write carries the number as decimal digits (`sequence`), exact past 2^53,
// beside its time (`as_of`, which a number no longer becomes: 42 used to turn into 1970-01-01T00:00:42Z). A value
// that is not a non-negative integer is a mapping problem: that write is skipped with the reason (logged, counted),
// the webhook's other writes go on.
import { describe, expect, it, vi } from 'vitest';
import { hydrateEvent } from '../../functions/hydrate/hydrate-event.ts';
import { mapToKlaviyoMessages } from '../../functions/hydrate/map-to-klaviyo.ts';
import { relayConfigSchema, sourceSchema } from '../../functions/shared/config/relay-config.ts';
import { parseJson } from '../../functions/shared/json/text.ts';
import type { Logger } from '../../functions/shared/logger.ts';
import {
  deliverMessageSchema,
  klaviyoConsentV1Schema,
  klaviyoProfileUpsertV1Schema,
  type DeliverMessage,
  type WebhookReceivedV1,
} from '../../functions/shared/stage/contracts.ts';
import type { MessageQueue } from '../../functions/shared/stage/sqs-queue.ts';
import { consentFixture } from '../helpers/consent-messages.ts';
import { upsertFixture, webhookReceived } from '../helpers/stage-messages.ts';

const RECEIVED = '2026-11-23T10:00:00.000Z';
const webhook = (payload: unknown): WebhookReceivedV1 =>
  webhookReceived({
    source: 'shop',
    id: 'd-1',
    eventType: 'customers/update',
    receivedAt: RECEIVED,
    payload,
  });

const mapping = {
  profile: { email: ['event.email'], phone_number: ['event.phone'], sequence: 'event.version' },
  emit: 'both',
  profile_attributes: { first_name: 'event.first_name' },
  subscriptions: [{ id: 'email', channel: 'email', sequence: 'event.consent_version' }],
  unsubscriptions: [
    { id: 'sms', channel: 'sms', when: 'event.sms_off', sequence: { expr: 'event.consent_version + 1' } },
  ],
};
const customer = { email: 'ada@example.com', phone: '+442071838750', first_name: 'Ada', sms_off: true };

const sourceWith = (m: Record<string, unknown>) =>
  sourceSchema().parse({ kind: 'shopify', secrets: [{ env: 'S' }], mapping: m });
const map = (payload: unknown, m: Record<string, unknown> = mapping) =>
  mapToKlaviyoMessages(webhook(payload), sourceWith(m), { event: payload, meta: {} });
const stateWrites = (messages: readonly DeliverMessage[]) =>
  messages
    .filter((m) => m.type === 'klaviyo.profile-upsert' || m.type === 'klaviyo.consent')
    .map((m) => ({ type: m.type, sequence: m.sequence, as_of: m.as_of }));

describe('the contract carries a sequence as decimal digits', () => {
  it('takes digits up to 38 (DynamoDB numbers), on profile upserts and consent writes', () => {
    for (const sequence of ['0', '42', '18446744073709551615', '9'.repeat(38)]) {
      expect(upsertFixture('d', { sequence }).sequence).toBe(sequence);
      expect(consentFixture('d', { sequence }).sequence).toBe(sequence);
    }
    for (const sequence of ['-1', '1.5', '007', '', 'x', '9'.repeat(39)]) {
      expect(klaviyoProfileUpsertV1Schema().safeParse({ ...upsertFixture('d'), sequence }).success).toBe(
        false,
      );
      expect(klaviyoConsentV1Schema().safeParse({ ...consentFixture('d'), sequence }).success).toBe(false);
    }
  });
});

describe('mapping a sequence', () => {
  it('versions the profile upsert and each consent write by the sequence; their time stays the received time', async () => {
    const { messages, skipped, timeFallbacks } = await map({ ...customer, version: 42, consent_version: 7 });
    expect(skipped).toEqual([]);
    expect(timeFallbacks).toEqual([]);
    expect(stateWrites(messages)).toEqual([
      { type: 'klaviyo.profile-upsert', sequence: '42', as_of: RECEIVED },
      { type: 'klaviyo.consent', sequence: '7', as_of: RECEIVED },
      { type: 'klaviyo.consent', sequence: '8', as_of: RECEIVED },
    ]);
    expect(messages.map((m) => m.type)).toContain('klaviyo.event');
  });

  it('keeps every digit of a sequence past 2^53 (the payload holds it as text), and reads numeric text', async () => {
    const payload = parseJson(
      JSON.stringify({ ...customer, sms_off: false, consent_version: ' 0012 ' }).replace(
        '"first_name"',
        '"version":18446744073709551615,"first_name"',
      ),
    );
    const { messages } = await map(payload);
    expect(stateWrites(messages)).toEqual([
      { type: 'klaviyo.profile-upsert', sequence: '18446744073709551615', as_of: RECEIVED },
      { type: 'klaviyo.consent', sequence: '12', as_of: RECEIVED },
    ]);
  });

  it('a sequence beside as_of: the sequence orders, as_of stays the time of the state', async () => {
    const both = { ...mapping, profile: { ...mapping.profile, as_of: 'event.updated_at' } };
    const { messages } = await map({ ...customer, version: 3, updated_at: '2026-11-20T09:00:00Z' }, both);
    expect(stateWrites(messages)[0]).toEqual({
      type: 'klaviyo.profile-upsert',
      sequence: '3',
      as_of: '2026-11-20T09:00:00.000Z',
    });
  });

  it.each([
    ['a negative number', -1, 'is not a non-negative integer'],
    ['a fraction', 1.5, 'is not a non-negative integer'],
    ['text that is no integer', '12a', 'is not a non-negative integer'],
    ['a number past 2^53 (not exact as a number)', 2 ** 60, 'past 2^53'],
    ['more than 38 digits', '1'.repeat(39), 'more than 38 digits'],
    ['nothing', undefined, 'gave no sequence number'],
  ])(
    '%s is a mapping problem: that write is skipped with the reason, the others go on',
    async (_, version, reason) => {
      const { messages, skipped } = await map({ ...customer, version, consent_version: 7 });
      expect(messages.map((m) => m.type)).toEqual(['klaviyo.consent', 'klaviyo.consent', 'klaviyo.event']);
      expect(skipped).toEqual([
        { where: 'sources.shop.mapping.profile.sequence', reason: expect.stringContaining(reason) as string },
      ]);
    },
  );

  it('a consent entry whose sequence is unusable is skipped alone', async () => {
    const { messages, skipped } = await map({ ...customer, version: 5, consent_version: -3 });
    expect(messages.map((m) => m.type)).toEqual(['klaviyo.profile-upsert', 'klaviyo.event']);
    expect(skipped.map((s) => s.where)).toEqual([
      'sources.shop.mapping.subscriptions[0].sequence',
      'sources.shop.mapping.unsubscriptions[0].sequence',
    ]);
  });
});

describe('hydrate reports an unusable sequence as a mapping problem', () => {
  it('logs the field and the reason, counts it, and sends the rest', async () => {
    const config = relayConfigSchema().parse({
      version: 1,
      sources: { shop: { kind: 'shopify', secrets: [{ env: 'S' }], mapping } },
      klaviyo: { api_key: { env: 'K' } },
    });
    const sent: string[] = [];
    const deliverQueue: MessageQueue = {
      maxBodyBytes: 1_000_000,
      send: () => Promise.resolve(),
      sendBatch: (ms) =>
        Promise.resolve(
          void sent.push(...ms.map((m) => deliverMessageSchema().parse(JSON.parse(m.body)).type)),
        ).then(() => ({ failedIds: [], reasons: [] })),
    };
    const log = { info: vi.fn(), warn: vi.fn() };
    const count = vi.fn();
    await hydrateEvent(webhook({ ...customer, version: 'v2', consent_version: 1 }), {
      config,
      deliverQueue,
      log: log as unknown as Logger,
      count,
      fetch: () => Promise.reject(new Error('no source API in this test')),
      resolveSecret: () => Promise.reject(new Error('no secrets in this test')),
      now: Date.now,
    });
    expect(sent).toEqual(['klaviyo.consent', 'klaviyo.consent', 'klaviyo.event']);
    expect(count).toHaveBeenCalledWith('skipped_by_mapping_problem', 1);
    expect(log.warn).toHaveBeenCalledWith(
      'writes skipped: the mapping gave what Klaviyo cannot take',
      expect.objectContaining({
        skipped: [
          {
            where: 'sources.shop.mapping.profile.sequence',
            reason: expect.stringContaining('"v2" is not a non-negative integer') as string,
          },
        ],
      }),
    );
  });
});
