// Mapping to custom-object records (`mapping.records`) and back-in-stock subscriptions (`mapping.back_in_stock`):
// a records entry becomes `klaviyo.record` messages named by a record id read from the webhook (the same for a
// redelivered webhook), with the fields that read something; a record without an id is skipped with the reason; a
// back_in_stock entry subscribes the mapping's profile to a variant on its channels; both are state that a replay
// leaves out unless asked; the configuration refuses what cannot be written.
import { describe, expect, it } from 'vitest';
import { mapToKlaviyoMessages } from '../../functions/hydrate/map-to-klaviyo.ts';
import { isStateWrite } from '../../functions/hydrate/replay-state.ts';
import { overlay } from '../../functions/shared/config/presets/merge.ts';
import { sourceSchema } from '../../functions/shared/config/relay-config.ts';
import { webhookReceived } from '../helpers/stage-messages.ts';

const RECEIVED = '2026-12-07T10:00:00.000Z';
const DATA_SOURCE = '01JQ2T0V1X9Y8Z7W6V5U4T3S2R';
const ticket = {
  id: 35436,
  subject: 'Help, my printer is on fire!',
  status: 'open',
  requester: { email: 'jdoe@example.com' },
  tags: ['printer', 'fire'],
  comments: [{ id: 1 }, { id: 2 }],
};

const mapping = {
  profile: { email: ['event.requester.email'] },
  emit: 'none',
  records: [
    {
      id: 'tickets',
      data_source: DATA_SOURCE,
      event_types: ['ticket'],
      record_id: 'event.id',
      record: {
        subject: 'event.subject',
        status: { expr: '$uppercase(event.status)' },
        tags: 'event.tags',
        assignee: 'event.assignee.name',
      },
    },
    {
      id: 'comments',
      data_source: DATA_SOURCE,
      event_types: ['ticket'],
      when: 'event.comments',
      for_each: 'event.comments',
      record_id: { expr: "$string(event.id) & '-' & $string(item.id)" },
      record: { ticket: 'event.id', position: 'index' },
    },
  ],
  back_in_stock: [
    {
      id: 'notify',
      event_types: ['notify'],
      variant_external_id: 'event.variant_id',
      channels: ['EMAIL', 'SMS'],
    },
  ],
};

const sourceWith = (m: Record<string, unknown>) =>
  sourceSchema().parse({ kind: 'zendesk', secrets: [{ env: 'S' }], mapping: m });
const map = (eventType: string, payload: unknown, id = 'd-1', m: Record<string, unknown> = mapping) =>
  mapToKlaviyoMessages(
    webhookReceived({ source: 'desk', id, eventType, receivedAt: RECEIVED, payload }),
    sourceWith(m),
    { event: payload, meta: {} },
  );

describe('mapping custom-object records', () => {
  it('makes a record named by the record id, with the fields that read something', async () => {
    const { messages } = await map('ticket', ticket);
    expect(messages.map((m) => m.type)).toEqual(['klaviyo.record', 'klaviyo.record', 'klaviyo.record']);
    expect(messages[0]).toEqual({
      type: 'klaviyo.record',
      version: 1,
      correlation_id: 'desk:d-1',
      source: 'desk',
      delivery_id: 'd-1',
      data_source_id: DATA_SOURCE,
      record_id: '35436',
      record: { subject: 'Help, my printer is on fire!', status: 'OPEN', tags: ['printer', 'fire'] },
    });
    expect(messages.slice(1)).toMatchObject([
      { record_id: '35436-1', record: { ticket: 35436, position: 0 } },
      { record_id: '35436-2', record: { ticket: 35436, position: 1 } },
    ]);
  });

  it('names a redelivered webhook (another delivery id) by the same record id', async () => {
    const first = await map('ticket', ticket, 'd-1');
    const again = await map('ticket', { ...ticket, status: 'solved' }, 'd-2');
    expect(again.messages[0]).toMatchObject({ record_id: '35436', record: { status: 'SOLVED' } });
    expect(first.messages[0]).toMatchObject({ record_id: '35436' });
  });

  it('skips a record without a record id, with the reason, and writes the others', async () => {
    const { messages, skipped } = await map('ticket', { ...ticket, id: '' });
    expect(messages.map((m) => m.type === 'klaviyo.record' && m.record_id)).toEqual(['-1', '-2']);
    expect(skipped).toContainEqual({
      where: 'sources.desk.mapping.records[0].record_id',
      reason: 'no record id (a non-empty text or a number)',
    });
  });

  it('writes nothing for another event type', async () => {
    const { messages } = await map('other', ticket);
    expect(messages).toEqual([]);
  });

  it('counts records and back-in-stock subscriptions as state a replay leaves out unless asked', async () => {
    const { messages } = await map('ticket', ticket);
    const notify = await map('notify', { requester: { email: 'a@example.com' }, variant_id: 7 });
    expect([...messages, ...notify.messages].every(isStateWrite)).toBe(true);
    const replayed = await mapToKlaviyoMessages(
      webhookReceived(
        { source: 'desk', id: 'd-1', eventType: 'ticket', receivedAt: RECEIVED, payload: ticket },
        { replay: { profiles: false } },
      ),
      sourceWith(mapping),
      { event: ticket, meta: {} },
    );
    expect(replayed.messages.filter((m) => m.type === 'klaviyo.record')).toHaveLength(3);
  });

  it('refuses an id among the record fields and a data source that is no id', () => {
    const accepted = (entry: Record<string, unknown>) =>
      sourceSchema().safeParse({
        kind: 'zendesk',
        secrets: [{ env: 'S' }],
        mapping: { profile: { email: ['e'] }, records: [{ ...mapping.records[0], ...entry }] },
      });
    expect(accepted({}).error?.issues).toBeUndefined();
    expect(accepted({ record: { id: 'event.id' } }).success).toBe(false);
    expect(accepted({ data_source: 'zendesk tickets' }).success).toBe(false);
    expect(accepted({ data_source: undefined }).success).toBe(false);
  });

  it("lets a source's entry override its preset's entry of the same id", () => {
    const merged = overlay(
      { records: [{ id: 'tickets', record_id: 'event.id', record: { subject: 'event.subject' } }] },
      { records: [{ id: 'tickets', data_source: DATA_SOURCE }] },
    );
    expect(merged).toEqual({
      records: [
        {
          id: 'tickets',
          record_id: 'event.id',
          record: { subject: 'event.subject' },
          data_source: DATA_SOURCE,
        },
      ],
    });
  });
});

describe('mapping back-in-stock subscriptions', () => {
  const notify = { requester: { email: 'jdoe@example.com' }, variant_id: 808950810 };

  it("subscribes the mapping's profile to the variant by its external id, on its channels", async () => {
    const { messages } = await map('notify', notify);
    expect(messages).toEqual([
      {
        type: 'klaviyo.back-in-stock',
        version: 1,
        correlation_id: 'desk:d-1',
        source: 'desk',
        delivery_id: 'd-1',
        profile: { email: 'jdoe@example.com' },
        variant_external_id: '808950810',
        channels: ['EMAIL', 'SMS'],
      },
    ]);
  });

  it('defaults to EMAIL, refuses other channels, and skips a webhook with no variant', async () => {
    const byDefault = await map('notify', notify, 'd-1', {
      ...mapping,
      back_in_stock: [{ id: 'notify', variant_external_id: 'event.variant_id' }],
    });
    expect(byDefault.messages).toMatchObject([{ channels: ['EMAIL'] }]);
    const channels = (list: unknown) =>
      sourceSchema().safeParse({
        kind: 'zendesk',
        secrets: [{ env: 'S' }],
        mapping: { ...mapping, back_in_stock: [{ id: 'n', variant_external_id: 'v', channels: list }] },
      }).success;
    expect([channels(['SMS']), channels(['PUSH']), channels(['SMS', 'SMS']), channels([])]).toEqual([
      true,
      false,
      false,
      false,
    ]);
    const none = await map('notify', { ...notify, variant_id: null });
    expect(none.messages).toEqual([]);
    expect(none.skipped[0]?.where).toBe('sources.desk.mapping.back_in_stock[0].variant_external_id');
  });

  it('fails the webhook, as an event does, when the profile has no identifier', async () => {
    await expect(map('notify', { ...notify, requester: {} })).rejects.toThrow(/profile/);
  });
});
