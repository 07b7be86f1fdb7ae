import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { validateConfigFile } from '../../cli/commands/config.ts';
import { runRelay } from '../helpers/relay-cli.ts';

const relay = (...args: string[]) => runRelay(args);

async function documentFile(document: unknown): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'relay-config-')), 'config.json');
  await writeFile(file, typeof document === 'string' ? document : JSON.stringify(document));
  return file;
}

describe('relay config validate', () => {
  it('accepts local mode’s configuration, placeholders and all', async () => {
    expect(await validateConfigFile('config/local.json')).toEqual({
      valid: true,
      sources: ['demo', 'shopify'],
    });
    const { stdout } = await relay('config', 'validate', 'config/local.json');
    expect(stdout).toMatch(/valid \(2 sources: demo, shopify\)/);
  });

  it('reports each problem with its JSON path, and exits 1', async () => {
    const file = await documentFile({
      version: 1,
      klaviyo: { api_key: { env: 'K' } },
      sources: { shop: { kind: 'shopify', secrets: [] }, typo: { kind: 'shopfiy', secrets: [{ env: 'S' }] } },
    });
    const result = await validateConfigFile(file);
    expect(result.valid).toBe(false);
    expect(!result.valid && result.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['sources.shop.secrets', 'sources.typo.kind']),
    );
    const failed = await relay('config', 'validate', file).catch((e: { code: number; stderr: string }) => e);
    expect('code' in failed && failed.code).toBe(1);
    expect('stderr' in failed && failed.stderr).toMatch(/sources\.shop\.secrets: /);
  });

  it('prints JSON with --json, and says when the file is not JSON', async () => {
    const file = await documentFile('{ not json');
    const failed = await relay('config', 'validate', file, '--json').catch((e: { stdout: string }) => e);
    const printed = JSON.parse(failed.stdout) as {
      valid: boolean;
      problems: { path: string; message: string }[];
    };
    expect(printed.valid).toBe(false);
    expect(printed.problems).toHaveLength(1);
    expect(printed.problems[0]?.path).toBe('(root)');
    expect(printed.problems[0]?.message).toMatch(/^not valid JSON/);
  });

  it('resolves presets as the functions do: an override that breaks the preset, a preset for another kind', async () => {
    const file = await documentFile({
      version: 1,
      klaviyo: { api_key: { env: 'K' } },
      sources: {
        shop: {
          preset: 'shopify',
          secrets: [{ env: 'S' }],
          mapping: { events: [{ id: 'placed_order', value: '' }] },
        },
      },
    });
    const result = await validateConfigFile(file);
    expect(result.valid).toBe(false);
    expect(!result.valid && result.problems.map((p) => p.path)).toEqual([
      'sources.shop.mapping.events.0.value',
    ]);
    const wrongKind = await validateConfigFile(
      await documentFile({
        version: 1,
        klaviyo: { api_key: { env: 'K' } },
        sources: { pay: { kind: 'stripe', preset: 'woocommerce', secrets: [{ env: 'S' }] } },
      }),
    );
    expect(wrongKind).toEqual({
      valid: false,
      problems: [
        {
          path: 'sources.pay.preset',
          message: 'the woocommerce preset reads woocommerce webhooks; this source\'s kind is "stripe"',
        },
      ],
    });
  });
});

describe('the klaviyo-relay bin', () => {
  it('runs the same CLI', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/klaviyo-relay.mjs', '--version']);
    const { RELAY_VERSION } = await import('../../functions/shared/version.ts');
    expect(stdout.trim()).toBe(RELAY_VERSION);
  });
});

describe('relay config validate and npm start agree on secret variables (issue 22)', () => {
  const document = {
    version: 1,
    sources: {
      shop: { preset: 'shopify', secrets: [{ env: 'I22_UNSET_WEBHOOK_SECRET' }] },
      demo: { preset: 'shopify', secrets: [{ env: 'SHOPIFY_WEBHOOK_SECRET' }] },
    },
    klaviyo: { api_key: { env: 'KLAVIYO_API_KEY' } },
  };

  it('warns for each secret variable that is unset and that local mode does not set, naming npm start', async () => {
    const file = await documentFile(document);
    const env = { I22_UNSET_WEBHOOK_SECRET: '' };
    const { stdout, stderr } = await runRelay(['config', 'validate', file], env);
    expect(stdout).toBe(`${file}: valid (2 sources: shop, demo)\n`);
    expect(stderr).toBe(
      `  warning: sources.shop.secrets[0] names the environment variable I22_UNSET_WEBHOOK_SECRET, which is not set here: \`npm start -- --config ${file}\` refuses to start until it is set\n`,
    );
    const json = await runRelay(['config', 'validate', file, '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: true,
      warnings: [expect.stringContaining('I22_UNSET')],
    });
  });

  it('says nothing more when the variable is set', async () => {
    const file = await documentFile(document);
    const { stderr } = await runRelay(['config', 'validate', file], { I22_UNSET_WEBHOOK_SECRET: 'set' });
    expect(stderr).toBe('');
  });

  it('npm start refuses the same file for the same variable', async () => {
    const file = await documentFile(document);
    const failed = await promisify(execFile)(
      process.execPath,
      [
        '--disable-warning=ExperimentalWarning',
        '--import',
        'tsx',
        'local/start.ts',
        '--config',
        file,
        '--port',
        '0',
      ],
      {
        env: { ...process.env, I22_UNSET_WEBHOOK_SECRET: '', KLAVIYO_API_KEY: '', KLAVIYO_BASE_URL: '' },
        timeout: 60_000,
      },
    ).catch((error: { code: number; stderr: string }) => error);
    expect('code' in failed && failed.code).toBe(1);
    expect('stderr' in failed && failed.stderr).toMatch(
      /sources\.shop\.secrets\[0\] names the environment variable I22_UNSET_WEBHOOK_SECRET, which is not set/,
    );
  }, 90_000);
});
