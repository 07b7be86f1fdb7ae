// The console in a real browser against local mode: a webhook sent is counted on the Overview and listed on
// the Webhooks page, and its trace shows the three stages. Screenshots of each page go to test-results/console/
// for review (not committed). One local mode and one browser for the file.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_ROUTES } from '../../cli/console/routes.ts';
import { startConsoleServer, type ConsoleServer } from '../../cli/console/server.ts';
import { archiveLocationOf, recentWebhooks } from '../../cli/console/webhooks/recent.ts';
import { teeLogLines } from '../../local/log-tee.ts';
import { localStackOutputs } from '../../local/stack-outputs.ts';
import { startLocalStack, type LocalStack } from '../../local/stack.ts';
import { loadStack } from '../../operations/relay-stack.ts';
import { writeStackFile } from '../../operations/stack-file.ts';
import { browserAvailable, launchBrowser } from '../helpers/browser.ts';
import { sendDemo } from '../helpers/relay-cli.ts';
import { waitFor } from '../helpers/wait.ts';

const SHOTS = path.join('test-results', 'console');
const runs = browserAvailable('console browser tests');

let stack: LocalStack;
let dir: string;
let consoleServer: ConsoleServer;
let browser: Browser;
let page: Page;
let stopLogTee: () => Promise<void>;
let deliveryId: string;

beforeAll(async () => {
  if (!runs) return;
  dir = await mkdtemp(path.join(tmpdir(), 'relay-console-'));
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  const logFile = path.join(dir, 'logs.jsonl');
  stopLogTee = await teeLogLines(logFile, { echo: false });
  stack = await startLocalStack({
    env: {},
    maxReceiveCount: 5,
    visibilityTimeoutSeconds: 30,
    archiveDir: path.join(dir, 'archive'),
  });
  const stackFile = path.join(dir, 'stack.json');
  await writeStackFile(stackFile, localStackOutputs(stack, stack.apiEndpoint, logFile));
  const relay = loadStack({ stack: stackFile });
  consoleServer = await startConsoleServer({
    routes: CONSOLE_ROUTES,
    context: { stack: () => relay, stackFile },
  });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await mkdir(SHOTS, { recursive: true });
  deliveryId = await sendDemo(stack, await readFile('samples/demo-order.json'));
  const location = archiveLocationOf(await relay);
  if (!location) throw new Error('local mode should archive');
  await waitFor('the webhook in the archive', async () =>
    (await recentWebhooks(location, { hours: 1, limit: 10 }, new Date())).webhooks.some(
      (webhook) => webhook.deliveryId === deliveryId,
    ),
  );
  await waitFor('the queues drained', () => stack.drained());
});
afterAll(async () => {
  if (!runs) return;
  await browser?.close();
  await consoleServer?.close();
  await stack?.stop();
  await stopLogTee?.();
  await rm(dir, { recursive: true, force: true });
});

describe.runIf(runs)('console in a browser: Overview and Webhooks', () => {
  it('opens with the printed URL, keeps the token out of the address bar, and shows the counters', async () => {
    await page.goto(consoleServer.url);
    expect(new URL(page.url()).search).toBe('');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Overview');
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Overview');
    expect(await page.locator('[data-counter="webhooks:accepted"] td.number').textContent()).toBe('1');
    for (const queue of ['queue:hydrate', 'queue:deliver', 'dlq:hydrate', 'dlq:deliver'])
      expect(await page.locator(`[data-queue="${queue}"]`).count(), queue).toBe(1);
    expect(await page.locator('[data-queue] svg.spark').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'overview.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    // Nothing wider than the phone's screen: the page does not scroll sideways.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(SHOTS, 'overview-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('refreshes the Overview in place', async () => {
    await page.goto(`http://127.0.0.1:${consoleServer.port}/`);
    const before = await page.locator('#overview-live').getAttribute('data-refreshed');
    expect(before).toBeNull();
    await waitFor(
      'a refresh of the live part',
      () => page.locator('#overview-live').getAttribute('data-refreshed'),
      { timeoutMs: 20_000 },
    );
  });

  it('lists the webhook, finds it by delivery id, and shows its trace through the three stages', async () => {
    await page.goto(`http://127.0.0.1:${consoleServer.port}/webhooks`);
    await page.locator('#id').fill(deliveryId.slice(0, 8));
    await page.locator('form[role="search"] button').click();
    await page.waitForURL(/\/webhooks\?/);
    const link = page.locator(`a:has-text("${deliveryId}")`);
    expect(await link.count()).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'webhooks.png'), fullPage: true });
    await link.click();
    await page.waitForURL(new RegExp(`/webhooks/demo/${deliveryId}$`));
    expect(await page.locator('.verdict').textContent()).toContain('delivered');
    for (const stage of ['ingest', 'hydrate', 'deliver'])
      expect(await page.locator(`ol.timeline > li[data-stage="${stage}"]`).getAttribute('class'), stage).toBe(
        'done',
      );
    expect(await page.locator('li[data-stage="ingest"]').textContent()).toContain('done');
    await page.screenshot({ path: path.join(SHOTS, 'webhook-trace.png'), fullPage: true });
  });
});
