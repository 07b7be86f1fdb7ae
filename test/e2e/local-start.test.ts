// `npm start` with a configuration that names a secret variable nobody set must stop at once and say which,
// instead of starting a relay that answers every webhook of that source with 500 (senders retry forever).
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const UNSET = 'RELAY_TEST_UNSET_WEBHOOK_SECRET';
let dir: string;
let configFile: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'local-start-'));
  const config = JSON.parse(await readFile('config/local.json', 'utf8')) as {
    sources: Record<string, { secrets: unknown[] }>;
  };
  const shopify = config.sources.shopify;
  if (!shopify) throw new Error('config/local.json has no shopify source');
  shopify.secrets = [{ env: UNSET }];
  configFile = path.join(dir, 'relay.json');
  await writeFile(configFile, JSON.stringify(config));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** True when it started serving instead of stopping (it was then stopped by the test). */
  started: boolean;
}

function npmStart(
  env: NodeJS.ProcessEnv,
  args: string[] = [],
  whileRunning: (stdout: string) => Promise<void> = () => Promise.resolve(),
): Promise<Run> {
  return new Promise((resolve, reject) => {
    // What `npm start` runs (package.json), without npm in between so the exit code is the script's.
    const child = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', '--import', 'tsx', 'local/start.ts', ...args],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    let started = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      // The banner ends with "Ctrl-C stops everything."
      if (!started && stdout.includes('Ctrl-C stops everything')) {
        started = true;
        void whileRunning(stdout)
          .catch((error: unknown) => (stderr += `whileRunning: ${String(error)}`))
          .finally(() => child.kill('SIGTERM'));
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, started }));
  });
}

describe('npm start', () => {
  it('stops with a message naming an unset secret variable', { timeout: 60_000 }, async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, RELAY_CONFIG: configFile, PORT: '0' };
    delete env[UNSET];
    const run = await npmStart(env);
    expect(run.started, `stdout: ${run.stdout}`).toBe(false);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(UNSET);
    expect(run.stderr).toContain('shopify');
    // A message, not a stack trace.
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('starts when the variable is set', { timeout: 60_000 }, async () => {
    const run = await npmStart({ ...process.env, RELAY_CONFIG: configFile, PORT: '0', [UNSET]: 'a-secret' });
    expect(run.started, `stderr: ${run.stderr}`).toBe(true);
  });

  it(
    'takes --config and --port, and serves its status: queues, DLQs by reason, counters',
    { timeout: 60_000 },
    async () => {
      let status: unknown;
      const run = await npmStart(
        { ...process.env, [UNSET]: 'a-secret' },
        ['--config', configFile, '--port', '0'],
        async (stdout) => {
          const url = /Status: +GET (\S+)/.exec(stdout)?.[1];
          if (!url) throw new Error(`no status URL in the banner: ${stdout}`);
          status = await (await fetch(url)).json();
        },
      );
      expect(run.started, `stderr: ${run.stderr}`).toBe(true);
      expect(run.stderr).not.toContain('whileRunning');
      // hydrate, deliver and a deliver queue per Klaviyo write family (docs/adr/0036-a-deliver-queue-per-family.md).
      const queueKeys = [
        'hydrate',
        'deliver',
        'deliver-profiles',
        'deliver-consent',
        'deliver-catalog',
        'deliver-records',
        'deliver-back-in-stock',
      ];
      const each = <T>(value: T) => Object.fromEntries(queueKeys.map((key) => [key, value]));
      expect(status).toEqual({
        queues: each({ waiting: 0, in_flight: 0, delayed: 0 }),
        dlqs: each({ count: 0, reasons: {} }),
        webhooks: {},
        klaviyo_events: 0,
      });
    },
  );

  it(
    'suggests a source it runs, and the send commands read its configuration and name the file',
    { timeout: 90_000 },
    async () => {
      // The case: a configuration of the user's own, whose one source is not in config/local.json.
      const config = JSON.parse(await readFile(configFile, 'utf8')) as {
        sources: Record<string, unknown>;
      };
      const ownConfig = path.join(dir, 'my-relay.json');
      await writeFile(ownConfig, JSON.stringify({ ...config, sources: { myshop: config.sources.shopify } }));
      const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', [UNSET]: 'a-secret' };
      delete env.RELAY_CONFIG;
      const node = ['--disable-warning=ExperimentalWarning', '--import', 'tsx'];
      const send = ['myshop', 'samples/order-with-line-items.json', '--event-type', 'orders/create'];
      const outputs: string[] = [];
      const run = await npmStart(env, ['--config', ownConfig], async () => {
        for (const script of [['local/send.ts'], ['cli/relay.ts', 'send']]) {
          const { stdout } = await promisify(execFile)(process.execPath, [...node, ...script, ...send], {
            env,
          });
          outputs.push(stdout);
        }
      });
      expect(run.started, `stderr: ${run.stderr}`).toBe(true);
      expect(run.stderr).not.toContain('whileRunning');
      expect(run.stdout).toContain('npm run send -- myshop samples/order-with-line-items.json');
      expect(run.stdout).not.toContain('send -- demo');
      expect(outputs).toHaveLength(2);
      for (const stdout of outputs) {
        expect(stdout).toContain('source myshop from .local/stack.json (config_document)');
        expect(stdout).toMatch(/\/webhooks\/myshop → 202/);
      }
    },
  );

  describe('says where events really go', () => {
    let realKlaviyoConfig: string;
    beforeAll(async () => {
      // The klaviyo block without "base_url": "${KLAVIYO_BASE_URL}": deliver sends to https://a.klaviyo.com.
      const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
      realKlaviyoConfig = path.join(dir, 'real-klaviyo.json');
      await writeFile(
        realKlaviyoConfig,
        JSON.stringify({ ...config, klaviyo: { api_key: { env: 'RELAY_TEST_KLAVIYO_KEY' } } }),
      );
    });
    const envWithout = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        RELAY_CONFIG: realKlaviyoConfig,
        PORT: '0',
        [UNSET]: 'a-secret',
        ...extra,
      };
      for (const name of [
        'KLAVIYO_API_KEY',
        'KLAVIYO_BASE_URL',
        'DEMO_WEBHOOK_SECRET',
        'SHOPIFY_WEBHOOK_SECRET',
      ])
        delete env[name];
      return env;
    };

    it('stops before starting when the real Klaviyo would get no key', { timeout: 60_000 }, async () => {
      // The case: the usual KLAVIYO_API_KEY reference, unset, and no base_url.
      const config = JSON.parse(await readFile(realKlaviyoConfig, 'utf8')) as Record<string, unknown>;
      const noKeyConfig = path.join(dir, 'real-klaviyo-no-key.json');
      await writeFile(
        noKeyConfig,
        JSON.stringify({ ...config, klaviyo: { api_key: { env: 'KLAVIYO_API_KEY' } } }),
      );
      const run = await npmStart(envWithout({ RELAY_CONFIG: noKeyConfig }));
      expect(run.started, `stdout: ${run.stdout}`).toBe(false);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('https://a.klaviyo.com');
      expect(run.stderr).toContain('KLAVIYO_API_KEY');
      expect(run.stderr).not.toMatch(/^\s+at /m);
    });

    it(
      "names the real Klaviyo, not the mock, and prints the run's webhook secrets",
      { timeout: 60_000 },
      async () => {
        const run = await npmStart(envWithout({ RELAY_TEST_KLAVIYO_KEY: 'pk_test_not_sent' }));
        expect(run.started, `stderr: ${run.stderr}`).toBe(true);
        const line = /^ +Klaviyo: +(.*)$/m.exec(run.stdout)?.[1] ?? '';
        expect(line).toContain('https://a.klaviyo.com');
        expect(line).toContain('REAL Klaviyo');
        expect(line).not.toContain('mock');
        expect(run.stdout).toMatch(/export DEMO_WEBHOOK_SECRET=\S{20,}/);
        expect(run.stdout).not.toContain('local-demo-webhook-secret');
      },
    );
  });
});
