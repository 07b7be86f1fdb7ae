// `relay map`: the Klaviyo requests the relay would send for one webhook, through hydrate's own use case, with
// source API answers from recorded files — checked against the Klaviyo contract the mock enforces.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeSkip, mapWebhookFile } from '../../cli/commands/map.ts';
import { loadKlaviyoContract } from '../../local/klaviyo-mock/contract.ts';

const contract = loadKlaviyoContract();
const operationFor: Record<string, keyof typeof contract.operations> = {
  '/api/events': 'create_event',
  '/api/profile-import': 'create_or_update_profile',
};

let dir: string;
let ordersConfig: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'relay-map-'));
  const base = JSON.parse(await readFile('config/local.json', 'utf8')) as {
    sources: Record<string, unknown>;
  };
  const mapping = JSON.parse(await readFile('samples/order-mapping.json', 'utf8')) as unknown;
  base.sources.orders = { kind: 'shopify', secrets: [{ env: 'SHOPIFY_WEBHOOK_SECRET' }], mapping };
  // As terraform/examples/complete configures Klaviyo's system webhooks: a metric, nothing about the profile.
  base.sources.klaviyo = {
    kind: 'klaviyo',
    secrets: [{ env: 'SHOPIFY_WEBHOOK_SECRET' }],
    mapping: { metric: 'Klaviyo System Event' },
  };
  ordersConfig = path.join(dir, 'relay.json');
  await writeFile(ordersConfig, JSON.stringify(base));
});

function expectContractValid(requests: { path: string; body: unknown }[]) {
  for (const request of requests) {
    const operation = operationFor[request.path];
    if (!operation) throw new Error(`no Klaviyo operation for ${request.path}`);
    expect(contract.operations[operation].validateBody(request.body)).toBeNull();
  }
}

describe('relay map', () => {
  it('hydrates from recorded answers and prints the Create Event request', async () => {
    const result = await mapWebhookFile({
      config: 'config/local.json',
      source: 'demo',
      file: 'samples/demo-order.json',
      responses: 'samples/responses/demo-order',
      header: ['x-demo-topic:order.created'],
    });
    expect(result.failure).toBeUndefined();
    expect(result.source_calls.map((c) => [c.step, c.file])).toEqual([
      ['customer', 'customer.json'],
      ['address', 'address.json'],
    ]);
    expect(result.requests).toHaveLength(1);
    expect(result.requests[0]).toMatchObject({
      path: '/api/events',
      body: {
        data: {
          attributes: {
            unique_id: 'demo:sample',
            metric: { data: { attributes: { name: 'Placed Order' } } },
            profile: { data: { attributes: { email: 'ada.lovelace@example.com' } } },
            properties: { address_city: 'London' },
          },
        },
      },
    });
    expectContractValid(result.requests);
  });

  it('an order with three line items: one Placed Order and three Ordered Product, with distinct unique_ids', async () => {
    const result = await mapWebhookFile({
      config: ordersConfig,
      source: 'orders',
      file: 'samples/order-with-line-items.json',
      header: ['x-shopify-topic:orders/create', 'x-shopify-event-id:evt-5501'],
    });
    const names = result.requests.map(
      (r) =>
        (r.body as { data: { attributes: { metric: { data: { attributes: { name: string } } } } } }).data
          .attributes.metric.data.attributes.name,
    );
    expect(names).toEqual(['Placed Order', 'Ordered Product', 'Ordered Product', 'Ordered Product']);
    const ids = result.requests.map(
      (r) => (r.body as { data: { attributes: { unique_id: string } } }).data.attributes.unique_id,
    );
    expect(new Set(ids).size).toBe(4);
    expect(ids.every((id) => id.startsWith('orders:evt-5501'))).toBe(true);
    expectContractValid(result.requests);
  });

  it("a Klaviyo system webhook: the profile by Klaviyo's profile id, in data.id", async () => {
    const result = await mapWebhookFile({
      config: ordersConfig,
      source: 'klaviyo',
      file: 'samples/klaviyo-system-webhook.json',
      header: ['klaviyo-webhook-id:a8b890458b4bbfaa26d961471b83c101d6de23bd826e7e5173a15310985ec3cb'],
    });
    expect(result.failure).toBeUndefined();
    expect(result).toMatchObject({ delivery_id: '4L3cwQae2TX', event_type: 'event:klaviyo.sent_sms' });
    expect(result.requests).toHaveLength(1);
    expect(result.requests[0]).toMatchObject({
      path: '/api/events',
      body: {
        data: {
          attributes: {
            unique_id: 'klaviyo:4L3cwQae2TX',
            metric: { data: { attributes: { name: 'Klaviyo System Event' } } },
            profile: { data: { type: 'profile', id: '01HFAD5MDRT48NN8VN7H1NB0BH', attributes: {} } },
          },
        },
      },
    });
    expectContractValid(result.requests);
  });

  it('says why nothing would be sent: a filter, or a permanent failure with its reason', async () => {
    const testOrder = path.join(dir, 'test-order.json');
    const order = JSON.parse(await readFile('samples/order-with-line-items.json', 'utf8')) as Record<
      string,
      unknown
    >;
    await writeFile(testOrder, JSON.stringify({ ...order, test: true }));
    const skipped = await mapWebhookFile({
      config: ordersConfig,
      source: 'orders',
      file: testOrder,
      header: ['x-shopify-topic:orders/create', 'x-shopify-event-id:evt-test'],
    });
    expect(skipped.requests).toEqual([]);
    expect(skipped.skipped.length).toBeGreaterThan(0);

    const answers = path.join(dir, 'missing-customer');
    await mkdir(answers);
    await writeFile(
      path.join(answers, 'customer.json'),
      JSON.stringify({ $response: { status: 404, body: { error: 'not found' } } }),
    );
    const failed = await mapWebhookFile({
      config: 'config/local.json',
      source: 'demo',
      file: 'samples/demo-order.json',
      responses: answers,
      eventType: 'order.created',
    });
    expect(failed.failure?.reason).toBe('source_api_404');
    expect(failed.requests).toEqual([]);
  });

  it('names the file a missing recorded answer would be, and exits 1 with one line', async () => {
    const empty = path.join(dir, 'empty');
    await mkdir(empty);
    const run = promisify(execFile)(process.execPath, [
      '--disable-warning=ExperimentalWarning',
      '--import',
      'tsx',
      'cli/relay.ts',
      'map',
      '--config',
      'config/local.json',
      '--source',
      'demo',
      '--file',
      'samples/demo-order.json',
      '--responses',
      empty,
      '--event-type',
      'order.created',
    ]);
    const failed = await run.catch((error: { code: number; stderr: string }) => error);
    expect('code' in failed && failed.code).toBe(1);
    expect('stderr' in failed && failed.stderr).toMatch(
      /no recorded answer for step "customer", call 1 .*customer\.1\.json or .*customer\.json/,
    );
  });

  it('--event-type stands in fully for the topic header: the shopify preset maps the order', async () => {
    const result = await mapWebhookFile({
      preset: 'shopify',
      file: 'samples/order-with-line-items.json',
      eventType: 'orders/create',
    });
    expect(result.skipped).toEqual([]);
    expect(result.event_type).toBe('orders/create');
    const events = result.requests.filter((request) => request.path === '/api/events');
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events[0]?.body)).toContain('Placed Order');
  });

  it('a skip says which condition failed and on what value', async () => {
    const result = await mapWebhookFile({
      preset: 'shopify',
      file: 'samples/order-with-line-items.json',
      eventType: 'inventory_levels/update',
    });
    expect(result.requests).toEqual([]);
    expect(result.skipped).toEqual([
      expect.objectContaining({
        where: 'sources.shopify.mapping.filter',
        condition: expect.stringMatching(/^meta\.topic in \[/) as unknown,
        values: { 'meta.topic': 'inventory_levels/update' },
      }),
    ]);
    expect(describeSkip(result.skipped[0])).toMatch(
      /^sources\.shopify\.mapping\.filter: meta\.topic in \[.* is not true \(meta\.topic = "inventory_levels\/update"\)$/,
    );

    const testOrder = path.join(dir, 'test-order-preset.json');
    const order = JSON.parse(await readFile('samples/order-with-line-items.json', 'utf8')) as object;
    await writeFile(testOrder, JSON.stringify({ ...order, test: true }));
    const test = await mapWebhookFile({ preset: 'shopify', file: testOrder, eventType: 'orders/create' });
    expect(test.skipped).toEqual([
      expect.objectContaining({ condition: '$not(event.test = true)', values: { 'event.test': true } }),
    ]);
  });
});
