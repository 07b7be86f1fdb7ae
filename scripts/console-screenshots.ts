// `npm run console:screenshots`: the README's pictures of the console, taken from a real run — local mode
// started, a few webhooks sent and one dead-lettered (Klaviyo refuses it once), the console served, and its
// Overview and the dead letter in full shot at 1280×800 into docs/images/.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CONSOLE_ROUTES } from '../cli/console/routes.ts';
import { startConsoleServer } from '../cli/console/server.ts';
import { startLocalStack } from '../local/stack.ts';
import { localStackOutputs } from '../local/stack-outputs.ts';
import { parseEntryArgs } from '../operations/entry-args.ts';
import { loadStack } from '../operations/relay-stack.ts';
import { writeStackFile } from '../operations/stack-file.ts';
import { launchBrowser } from '../test/helpers/browser.ts';
import { sendDemo } from '../test/helpers/relay-cli.ts';
import { waitFor } from '../test/helpers/wait.ts';

parseEntryArgs(
  {
    command: 'npm run console:screenshots',
    description:
      'Starts local mode and the console, sends a few demo webhooks (one dead-lettered), and writes\n' +
      "the README's pictures: docs/images/console-overview.png and console-dead-letter.png.",
  },
  {},
);

// The handlers' log lines would bury the one line this script prints.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const OUT = path.join('docs', 'images');
const dir = await mkdtemp(path.join(tmpdir(), 'relay-console-shots-'));
const stack = await startLocalStack({ env: {}, archiveDir: path.join(dir, 'archive') });
const stackFile = path.join(dir, 'stack.json');
await writeStackFile(stackFile, localStackOutputs(stack, stack.apiEndpoint));
const relay = loadStack({ stack: stackFile });
const consoleServer = await startConsoleServer({
  routes: CONSOLE_ROUTES,
  context: { stack: () => relay, stackFile: '.local/stack.json' },
});
const browser = await launchBrowser();
try {
  const body = await readFile('samples/demo-order.json');
  for (let i = 0; i < 3; i += 1) await sendDemo(stack, body);
  stack.klaviyoMock?.inject({ status: 400, times: 1, path: '/api/events' });
  await sendDemo(stack, body);
  await waitFor('the queues drained', () => stack.drained(), { timeoutMs: 60_000 });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(consoleServer.url);
  await mkdir(OUT, { recursive: true });
  await page.screenshot({ path: path.join(OUT, 'console-overview.png') });
  // The one letter in full: reason, Klaviyo's detail and pointer, attempts, the original message.
  await page.goto(`http://127.0.0.1:${consoleServer.port}/dead-letters`);
  await page.locator('a[href^="/dead-letters/deliver/"]').first().click();
  await page.waitForLoadState();
  await page.screenshot({ path: path.join(OUT, 'console-dead-letter.png'), fullPage: false });
  console.log(`written to ${OUT}/`);
} finally {
  await browser.close();
  await consoleServer.close();
  await stack.stop();
  await rm(dir, { recursive: true, force: true });
}
