// The console's Dead letters, Replay and Mapping playground pages in headless Chromium, against local mode: a
// dead letter made (Klaviyo refusing), seen, redriven and delivered once; a replay counted, then run; a mapping
// edited in the playground changes the shown request. Screenshots go to test-results/console/ for review.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_ROUTES } from '../../cli/console/routes.ts';
import { startConsoleServer, type ConsoleServer } from '../../cli/console/server.ts';
import type { KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { localStackOutputs } from '../../local/stack-outputs.ts';
import { startLocalStack, type LocalStack } from '../../local/stack.ts';
import { loadStack } from '../../operations/relay-stack.ts';
import { writeStackFile } from '../../operations/stack-file.ts';
import { browserAvailable, launchBrowser } from '../helpers/browser.ts';
import { queueDepth, sendDemo } from '../helpers/relay-cli.ts';
import { waitFor } from '../helpers/wait.ts';

const SCREENSHOTS = 'test-results/console';
const run = browserAvailable('console pages (dead letters, replay, playground)');

let stack: LocalStack;
let mock: KlaviyoMock;
let dir: string;
let consoleServer: ConsoleServer;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  if (!run) return;
  dir = await mkdtemp(path.join(tmpdir(), 'relay-console-pages-'));
  stack = await startLocalStack({
    env: {},
    maxReceiveCount: 5,
    visibilityTimeoutSeconds: 30,
    archiveDir: path.join(dir, 'archive'),
  });
  if (!stack.klaviyoMock) throw new Error('the Klaviyo mock should run when no Klaviyo is named');
  mock = stack.klaviyoMock;
  const stackFile = path.join(dir, 'stack.json');
  await writeStackFile(stackFile, localStackOutputs(stack, stack.apiEndpoint));
  const relay = loadStack({ stack: stackFile });
  consoleServer = await startConsoleServer({
    routes: CONSOLE_ROUTES,
    context: { stack: () => relay, stackFile },
  });
  base = `http://127.0.0.1:${consoleServer.port}`;
  await mkdir(SCREENSHOTS, { recursive: true });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // The URL with the token sets the console's cookie; later pages need no token.
  await page.goto(consoleServer.url);
}, 120_000);

afterAll(async () => {
  if (!run) return;
  await browser?.close();
  await consoleServer?.close();
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** An element's text with the markup's line breaks and indentation folded. */
const textOf = async (selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

const shot = (name: string) => page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });

describe.skipIf(!run)('console: dead letters, replay, playground', () => {
  it(
    'shows a dead letter, redrives it after a confirmation, and it is delivered once',
    { timeout: 120_000 },
    async () => {
      // Klaviyo refuses the event once (400): deliver dead-letters it at once.
      mock.inject({ status: 400, times: 1, path: '/api/events' });
      const deliveryId = await sendDemo(stack, await readFile('samples/demo-order.json'));
      await waitFor(
        'a deliver dead letter',
        async () => (await queueDepth(stack, stack.aws.deliver.dlqUrl)) === 1,
        {
          timeoutMs: 30_000,
        },
      );

      await page.goto(`${base}/dead-letters`);
      const deliver = page.locator('section[data-queue="deliver"]');
      await expect(deliver.locator('.count').textContent()).resolves.toBe('1 dead letter');
      await expect(deliver.locator('tr[data-reason="klaviyo_400"] td').nth(1).textContent()).resolves.toBe(
        '1',
      );
      await shot('dead-letters');

      await deliver.getByRole('link', { name: `demo:${deliveryId}` }).click();
      await expect(page.locator('dl.letter').textContent()).resolves.toContain('klaviyo_400');
      await expect(page.locator('pre.original').textContent()).resolves.toContain(deliveryId);
      await shot('dead-letter');

      await page.getByRole('button', { name: 'Redrive this letter…' }).click();
      await expect(textOf('.confirm-count')).resolves.toMatch(
        /^1 dead letter \(1 selected\) will be sent back/,
      );
      // The confirmation only counted: the letter is still there.
      expect(await queueDepth(stack, stack.aws.deliver.dlqUrl)).toBe(1);
      await page.getByRole('button', { name: 'Send 1 back' }).click();
      await page.locator('[data-state="done"]').waitFor({ timeout: 60_000 });
      await expect(textOf('.job-outcome')).resolves.toContain('Sent back 1 of 1');
      await shot('redrive-done');

      await waitFor('the event at Klaviyo', () => mock.events().length > 0, { timeoutMs: 30_000 });
      await waitFor('the queues drained', () => stack.drained(), { timeoutMs: 30_000 });
      expect(mock.events().map((e) => e.uniqueId)).toEqual([`demo:${deliveryId}`]);
      expect(await queueDepth(stack, stack.aws.deliver.dlqUrl)).toBe(0);
    },
  );

  it('counts a replay first, then replays with progress', { timeout: 120_000 }, async () => {
    mock.reset();
    await page.goto(`${base}/replay`);
    await page.getByLabel('Source').selectOption('demo');
    await page.getByLabel('From').fill('1h');
    await page.getByRole('button', { name: 'Count (dry run)' }).click();
    await expect(textOf('.confirm-count')).resolves.toMatch(
      /^1 webhook received .* at demo will be replayed/,
    );
    expect(mock.events()).toHaveLength(0);
    await shot('replay-confirm');

    await page.getByRole('button', { name: 'Replay 1 webhooks' }).click();
    await page.locator('[data-state="done"]').waitFor({ timeout: 60_000 });
    await expect(textOf('.job-outcome')).resolves.toContain('Replayed 1 webhooks');
    const events = await waitFor(
      'the replayed event at Klaviyo',
      () => mock.events().length === 1 && mock.events(),
      {
        timeoutMs: 30_000,
      },
    );
    expect(events[0]?.backfill).toBe(true);
    await waitFor('the queues drained', () => stack.drained(), { timeoutMs: 30_000 });
    await shot('replay-done');
  });

  it('maps a webhook; an edited mapping changes the request; a mapping that does not validate says why', async () => {
    await page.goto(`${base}/playground?choice=source:shopify`);
    await expect(page.getByLabel(/^Mapping/).inputValue()).resolves.toContain(
      '"orders/create": "Placed Order"',
    );
    await page.getByLabel('Webhook body (JSON)').fill(JSON.stringify({ id: 77, email: 'a@example.com' }));
    await page.getByLabel(/^Headers the sender sends/).fill('x-shopify-topic:orders/create');
    await page.getByRole('button', { name: 'Map', exact: true }).click();
    await expect(page.locator('h3.request').first().textContent()).resolves.toBe('POST /api/events');
    await expect(page.locator('pre.request-body').first().textContent()).resolves.toContain('"Placed Order"');

    const mapping = page.getByLabel(/^Mapping/);
    await mapping.fill((await mapping.inputValue()).replace('Placed Order', 'Order Placed (edited)'));
    await page.getByRole('button', { name: 'Map', exact: true }).click();
    const request = await page.locator('pre.request-body').first().textContent();
    expect(request).toContain('"Order Placed (edited)"');
    expect(request).not.toContain('"Placed Order"');
    await expect(page.locator('textarea.copy-as-configuration').inputValue()).resolves.toContain(
      'Order Placed (edited)',
    );
    await shot('playground');

    await mapping.fill('{ "metric_by_event_type": 5 }');
    await page.getByRole('button', { name: 'Map', exact: true }).click();
    const problem = await page.locator('.problem').textContent();
    expect(problem).toContain('metric_by_event_type');
    expect(problem).not.toMatch(/\n\s+at /);
    await expect(page.locator('pre.request-body').count()).resolves.toBe(0);
  });
});
