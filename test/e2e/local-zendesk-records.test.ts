// A Zendesk ticket through local mode as a custom-object record, with the zendesk preset and its `tickets` records
// opted in: the ticket is recorded once despite redelivery — the same webhook delivered twice (dedupe drops the
// copy), a record Klaviyo wrote but whose answer was lost (deliver sends it again: same id, so the same record),
// and a later webhook about the ticket (it updates the record). The Klaviyo mock keys a data source's records by
// `id`, as the custom object must be keyed in Klaviyo (docs/adr/0034-custom-object-records.md).
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { startKlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { postSigned } from '../helpers/local-stack.ts';
import { documentOf, useLocalStack } from '../helpers/local-stack-per-file.ts';
import { waitFor } from '../helpers/wait.ts';

const SECRET = 'local-zendesk-webhook-secret';
const API_KEY = 'pk_local_records_test';
const FIXTURES = 'test/fixtures/presets/zendesk';

let dataSource: string;

const local = useLocalStack(async () => {
  // The data source exists before the relay is configured, as `relay data-source create` makes it.
  const ownMock = await startKlaviyoMock({ apiKey: API_KEY });
  dataSource = ownMock.createDataSource('Zendesk tickets').id;
  return {
    document: documentOf({
      desk: {
        preset: 'zendesk',
        secrets: [{ env: 'ZENDESK_WEBHOOK_SECRET' }],
        hydration: {
          connections: {
            zendesk: {
              base_url: 'https://northwind.zendesk.com',
              auth: {
                kind: 'basic',
                user: 'agent@example.com/token',
                password: { env: 'ZENDESK_API_TOKEN' },
              },
            },
          },
        },
        mapping: { records: [{ id: 'tickets', data_source: dataSource }] },
      },
    }),
    options: {
      env: { ZENDESK_WEBHOOK_SECRET: SECRET, ZENDESK_API_TOKEN: 'unused-by-triggers' },
      klaviyo: { baseUrl: ownMock.url, apiKey: API_KEY },
    },
    ownMock,
  };
});

const fixture = (name: string) => readFile(`${FIXTURES}/${name}.json`);
const send = (body: Buffer, deliveryId: string) =>
  postSigned(local.stack, 'desk', body, SECRET, { deliveryId });
const ticketRecords = () => local.mock.records().filter((r) => r.dataSourceId === dataSource);

describe('local pipeline: a Zendesk ticket as a custom-object record', () => {
  it('is recorded once despite redelivery, a lost answer and a later webhook about the ticket', async () => {
    const created = await fixture('trigger-ticket-created');
    const deliveryId = randomUUID();

    // Klaviyo writes the record but its answer is lost: deliver sends it again.
    local.mock.inject({ status: 503, phase: 'after', path: '/api/data-source-record-create-jobs', times: 1 });
    expect((await send(created, deliveryId)).status).toBe(202);
    await waitFor('the record written again after the lost answer', () => ticketRecords()[0]?.writes === 2);
    // Zendesk delivers the same invocation again: the relay's dedupe answers 200 (already received), drops the copy.
    expect((await send(created, deliveryId)).status).toBe(200);
    await waitFor('the queues drained', () => local.stack.drained());

    expect(ticketRecords()).toMatchObject([
      {
        recordId: '35436',
        writes: 2,
        record: { id: '35436', status: 'NEW', subject: 'Order #1042 has not moved since Monday' },
      },
    ]);

    // The ticket is solved: the same record, updated.
    expect((await send(await fixture('trigger-ticket-solved'), randomUUID())).status).toBe(202);
    await waitFor('the solve written', () => ticketRecords()[0]?.record.status === 'SOLVED');
    await waitFor('the queues drained', () => local.stack.drained());

    expect(ticketRecords()).toHaveLength(1);
    expect(ticketRecords()[0]).toMatchObject({
      recordId: '35436',
      writes: 3,
      record: { id: '35436', status: 'SOLVED', requester_email: 'katherine.johnson@example.com' },
    });
    // The preset's events still go beside the record.
    expect(local.mock.events().map((e) => e.metric)).toEqual(['Opened Ticket', 'Solved Ticket']);
    const status = (await (await fetch(local.stack.statusUrl)).json()) as {
      dlqs: Record<string, { count: number }>;
    };
    // hydrate's DLQ and each family's deliver DLQ: all empty.
    expect(Object.values(status.dlqs).map((dlq) => dlq.count)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });
});
