// The zendesk preset's tickets as custom-object records, opt-in per source: a source that names the preset's
// `tickets` entry with its data source id gets, beside the preset's events, one record per ticket webhook, named by
// the ticket id (the same for every webhook about the ticket, and for a redelivery), with the ticket's fields as
// the event subscription or the trigger template carries them; a source that does not opt in writes no record.
import { describe, expect, it } from 'vitest';
import { mapWebhookFile } from '../../cli/commands/map.ts';
import { parseRelayConfig } from '../../functions/shared/config/relay-config.ts';
import { fixtureName, mapPresetCase, type PresetCase } from '../helpers/preset-cases.ts';

const DIR = 'test/fixtures/presets/zendesk';
const DATA_SOURCE = '01JQ2T0V1X9Y8Z7W6V5U4T3S2R';

const zendeskCase = (topic: string, fixture: string, withRequester: boolean): PresetCase => ({
  topic,
  fixture,
  headers: [`x-zendesk-webhook-invocation-id:${fixture}-1`],
  ...(withRequester ? { responses: fixture } : {}),
});

const optedIn = (c: PresetCase) =>
  mapWebhookFile({
    config: `${DIR}/records-config.json`,
    source: 'zendesk',
    file: `${DIR}/${fixtureName(c)}.json`,
    header: c.headers,
    ...(c.responses === undefined ? {} : { responses: `${DIR}/responses/${c.responses}` }),
  });

const recordRequests = (requests: { path: string; body: unknown }[]) =>
  requests.filter((r) => r.path === '/api/data-source-record-create-jobs');
const recordOf = (request: { body: unknown } | undefined) =>
  (
    request?.body as {
      data: { attributes: { 'data-source-record': { data: { attributes: { record: unknown } } } } };
    }
  ).data.attributes['data-source-record'].data.attributes.record;

describe('zendesk preset: tickets as records (opt-in)', () => {
  it('an event subscription ticket becomes one record named by the ticket id, beside its event', async () => {
    const result = await optedIn(zendeskCase('zen:event-type:ticket.created', 'ticket-created', true));
    expect(result.failure).toBeUndefined();
    expect(result.requests.map((r) => r.path)).toEqual([
      '/api/events',
      '/api/data-source-record-create-jobs',
    ]);
    const [request] = recordRequests(result.requests);
    expect(request?.body).toMatchObject({
      data: { relationships: { 'data-source': { data: { type: 'data-source', id: DATA_SOURCE } } } },
    });
    expect(recordOf(request)).toEqual({
      id: '35436',
      subject: 'Order #1042 has not moved since Monday',
      status: 'NEW',
      priority: 'NORMAL',
      type: 'QUESTION',
      channel: 'web_form',
      tags: ['shipping', 'order_status'],
      requester_email: 'katherine.johnson@example.com',
      assignee_id: '7291038456',
      group_id: '360009876543',
      created_at: '2026-11-20T15:14:56Z',
      updated_at: '2026-11-20T15:14:56Z',
    });
  });

  it('a status change that is no solve still updates the record (and sends no event)', async () => {
    const result = await optedIn(
      zendeskCase('zen:event-type:ticket.status_changed', 'ticket-status-changed-pending', true),
    );
    expect(result.requests.map((r) => r.path)).toEqual(['/api/data-source-record-create-jobs']);
    expect(recordOf(result.requests[0])).toMatchObject({ id: '35436' });
  });

  it("a trigger's ticket becomes the same record, its space-separated tags a list", async () => {
    const result = await optedIn(
      zendeskCase('zendesk-trigger:ticket.solved', 'trigger-ticket-solved', false),
    );
    expect(recordOf(recordRequests(result.requests)[0])).toEqual({
      id: '35436',
      subject: 'Order #1042 has not moved since Monday',
      status: 'SOLVED',
      priority: 'NORMAL',
      channel: 'Web form',
      tags: ['shipping', 'order_status'],
      requester_email: 'katherine.johnson@example.com',
      created_at: '2026-11-20T15:14:56Z',
      updated_at: '2026-11-21T09:32:10Z',
      url: 'northwind.zendesk.com/agent/tickets/35436',
    });
  });

  it('a source that does not opt in writes no record', async () => {
    const result = await mapPresetCase(
      'zendesk',
      zendeskCase('zen:event-type:ticket.created', 'ticket-created', true),
    );
    expect(recordRequests(result.requests)).toEqual([]);
  });

  it('refuses an opt-in without its data source, saying which field', () => {
    const document = {
      version: 1,
      sources: {
        zendesk: {
          preset: 'zendesk',
          secrets: [{ env: 'S' }],
          hydration: {
            connections: {
              zendesk: {
                base_url: 'https://northwind.zendesk.com',
                auth: { kind: 'basic', user: 'a@example.com/token', password: { env: 'T' } },
              },
            },
          },
          mapping: { records: [{ id: 'tickets' }] },
        },
      },
      klaviyo: { api_key: { env: 'KLAVIYO_API_KEY' } },
    };
    expect(() => parseRelayConfig(JSON.stringify(document), 'test')).toThrow(
      /sources\.zendesk\.mapping\.records\.0\.data_source/,
    );
  });
});
