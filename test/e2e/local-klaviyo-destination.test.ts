// Where local mode sends events is decided once, from the configuration and the environment: the Klaviyo mock
// only when the configuration's klaviyo.base_url is the mock; otherwise the Klaviyo (or server) it names, which
// then needs a real key, and the committed development webhook secrets are not used (a web page knowing them
// could write to the real account).
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/shared/config/relay-config.ts';
import { signedHeaders } from '../../operations/sign.ts';
import { startLocalStack } from '../../local/stack.ts';
import { DEV_SECRETS } from '../../operations/dev-secrets.ts';

let dir: string;
/** config/local.json with its klaviyo block replaced. */
async function configWithKlaviyo(klaviyo: Record<string, unknown>): Promise<string> {
  const base = JSON.parse(await readFile('config/local.json', 'utf8')) as Record<string, unknown>;
  const file = path.join(dir, `${randomUUID()}.json`);
  await writeFile(file, JSON.stringify({ ...base, klaviyo }));
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'local-klaviyo-destination-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('local mode: where events go', () => {
  it('refuses to start when the configuration sends to the real Klaviyo without a key', async () => {
    // The block lacks "base_url": "${KLAVIYO_BASE_URL}", so the default, https://a.klaviyo.com, applies.
    const configFile = await configWithKlaviyo({ api_key: { env: 'KLAVIYO_API_KEY' } });
    const started = startLocalStack({ env: {}, configFile });
    await expect(started).rejects.toThrow(ConfigError);
    await expect(started).rejects.toThrow(
      /https:\/\/a\.klaviyo\.com.*KLAVIYO_API_KEY.*\$\{KLAVIYO_BASE_URL\}/s,
    );
  });

  it('refuses an empty key to the real Klaviyo', async () => {
    const configFile = await configWithKlaviyo({ api_key: { env: 'RELAY_TEST_KLAVIYO_KEY' } });
    await expect(startLocalStack({ env: { RELAY_TEST_KLAVIYO_KEY: '' }, configFile })).rejects.toThrow(
      /RELAY_TEST_KLAVIYO_KEY/,
    );
  });

  it('names the real Klaviyo, runs no mock, and does not accept the development secrets', async () => {
    const configFile = await configWithKlaviyo({ api_key: { env: 'RELAY_TEST_KLAVIYO_KEY' } });
    const stack = await startLocalStack({ env: { RELAY_TEST_KLAVIYO_KEY: 'pk_test_real' }, configFile });
    try {
      expect(stack.klaviyoDestination).toEqual({
        kind: 'remote',
        baseUrl: 'https://a.klaviyo.com',
        keyFrom: 'env:RELAY_TEST_KLAVIYO_KEY',
      });
      expect(stack.klaviyoMock).toBeUndefined();
      // Random per run, and told to the user (the banner prints them).
      expect(stack.env.DEMO_WEBHOOK_SECRET).not.toBe(DEV_SECRETS.DEMO_WEBHOOK_SECRET);
      expect(stack.generatedSecrets).toEqual({
        DEMO_WEBHOOK_SECRET: stack.env.DEMO_WEBHOOK_SECRET,
        SHOPIFY_WEBHOOK_SECRET: stack.env.SHOPIFY_WEBHOOK_SECRET,
      });
      const source = stack.config.sources.demo;
      if (!source) throw new Error('config/local.json has no demo source');
      const body = Buffer.from('{"id":"o-1","customer":"c-1"}');
      const post = (secret: string) =>
        fetch(stack.webhookUrl('demo'), {
          method: 'POST',
          headers: signedHeaders(source, body, secret),
          body,
        });
      // Refused before anything is queued: nothing reaches the real account.
      expect((await post(DEV_SECRETS.DEMO_WEBHOOK_SECRET)).status).toBe(401);
    } finally {
      await stack.stop();
    }
  });

  it('keeps the development secrets and the mock when the configuration names the mock', async () => {
    const stack = await startLocalStack({ env: {} });
    try {
      expect(stack.klaviyoDestination.kind).toBe('mock');
      expect(stack.klaviyoMock).toBeDefined();
      expect(stack.env.DEMO_WEBHOOK_SECRET).toBe(DEV_SECRETS.DEMO_WEBHOOK_SECRET);
      expect(stack.generatedSecrets).toEqual({});
    } finally {
      await stack.stop();
    }
  });

  it('keeps a user-set webhook secret when events go to a real Klaviyo', async () => {
    const configFile = await configWithKlaviyo({ api_key: { env: 'RELAY_TEST_KLAVIYO_KEY' } });
    const stack = await startLocalStack({
      env: { RELAY_TEST_KLAVIYO_KEY: 'pk_test_real', DEMO_WEBHOOK_SECRET: 'my-own-secret' },
      configFile,
    });
    try {
      expect(stack.env.DEMO_WEBHOOK_SECRET).toBe('my-own-secret');
      expect(Object.keys(stack.generatedSecrets)).toEqual(['SHOPIFY_WEBHOOK_SECRET']);
    } finally {
      await stack.stop();
    }
  });
});
