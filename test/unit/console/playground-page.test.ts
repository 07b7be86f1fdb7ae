// The mapping playground's routes with a fake context: the stack's source maps a webhook as `relay map` does;
// an edited mapping changes the request; copy as configuration gives the entry with the edited mapping; a
// mapping that is not JSON or does not validate is told as such, never a stack trace; a skip names its reason.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { routes } from '../../../cli/console/pages/playground.ts';
import type { ConsoleContext, ConsoleResponse, ConsoleRoute } from '../../../cli/console/route.ts';
import { fillPlaceholders } from '../../../operations/config-file.ts';
import type { RelayStack } from '../../../operations/relay-stack.ts';

async function setUp() {
  const text = await readFile('config/local.json', 'utf8');
  const stack = {
    origin: 'stack.json',
    queueUrls: {},
    dlqUrls: {},
    configDocument: fillPlaceholders(text, {}, 'config/local.json', 'http://127.0.0.1/placeholder'),
  } as unknown as RelayStack;
  const context: ConsoleContext = { stack: () => Promise.resolve(stack), stackFile: 'stack.json' };
  const [get, post] = routes as [ConsoleRoute, ConsoleRoute];
  const request = (body?: unknown, query = '') => ({
    method: 'POST' as const,
    path: '/playground',
    params: {},
    query: new URLSearchParams(query),
    body,
  });
  return {
    get: (query: string) => get.handle(request(undefined, query), context),
    post: (body: unknown) => post.handle(request(body), context),
  };
}

const bodyOf = (response: ConsoleResponse) =>
  ('page' in response ? response.page.body : '')
    .replace(/>\s+</g, '><')
    .replace(/\s+/g, ' ')
    .replace(/ >/g, '>')
    .replace(/> /g, '>')
    .replace(/ </g, '<');

const order = {
  choice: 'source:shopify',
  body: JSON.stringify({ id: 77, email: 'a@example.com' }),
  headers: 'x-shopify-topic:orders/create',
  action: 'map',
};
const mapping = (metric: string) => JSON.stringify({ metric_by_event_type: { 'orders/create': metric } });

describe('console: mapping playground', () => {
  it('starts from the source’s own mapping', async () => {
    const { get } = await setUp();
    const body = bodyOf(await get('choice=source:shopify'));
    expect(body).toContain('&quot;orders/create&quot;: &quot;Placed Order&quot;');
    expect(body).toContain('<option value="preset:stripe">stripe (preset)</option>');
  });

  it('shows the request the edited mapping makes, and the entry to copy', async () => {
    const { post } = await setUp();
    const before = bodyOf(await post({ ...order, mapping: mapping('Placed Order') }));
    expect(before).toContain('POST /api/events');
    expect(before).toContain('&quot;name&quot;: &quot;Placed Order&quot;');
    const after = bodyOf(await post({ ...order, mapping: mapping('Order Placed (edited)') }));
    expect(after).toContain('&quot;name&quot;: &quot;Order Placed (edited)&quot;');
    expect(after).not.toContain('&quot;name&quot;: &quot;Placed Order&quot;');
    const entry = /class="copy-as-configuration"[^>]*>([^<]*)</.exec(after)?.[1] ?? '';
    expect(entry).toContain('&quot;shopify&quot;: {');
    expect(entry).toContain('&quot;kind&quot;: &quot;shopify&quot;');
    expect(entry).toContain('Order Placed (edited)');
  });

  it('names the condition and the value a filter skipped on', async () => {
    const { post } = await setUp();
    const body = bodyOf(await post({ ...order, mapping: JSON.stringify({ filter: { expr: 'id > 100' } }) }));
    expect(body).toMatch(/<li>Skipped: [^<]*id &gt; 100[^<]*is not true/);
    expect(body).toContain('Nothing would be sent.');
  });

  it('tells a mapping that is not JSON, or does not validate, without a stack trace', async () => {
    const { post } = await setUp();
    const notJson = await post({ ...order, mapping: '{ metric' });
    expect(notJson.status).toBe(422);
    expect(bodyOf(notJson)).toContain('the mapping is not JSON');
    const invalid = await post({ ...order, mapping: JSON.stringify({ metric_by_event_type: 5 }) });
    expect(invalid.status).toBe(422);
    const body = bodyOf(invalid);
    expect(body).toMatch(/class="error problem" role="alert">[^<]*metric_by_event_type/);
    expect(body).not.toMatch(/ at .*\.ts:\d+/);
    expect(body).not.toContain('class="request-body"');
  });
});
