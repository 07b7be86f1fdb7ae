import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, parseRelayConfig } from '../../functions/shared/config/relay-config.ts';
import { createConfigLoader } from '../../functions/shared/config/loader.ts';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const doc = (revision: string) =>
  JSON.stringify({
    version: 1,
    sources: {},
    klaviyo: { api_key: { env: 'K' }, revision },
  });

describe('config loader', () => {
  it('keeps the document for maxAge, then reads it again', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cfg-'));
    dirs.push(dir);
    const file = path.join(dir, 'relay.json');
    await writeFile(file, doc('2026-07-15'));
    let clock = 0;
    const load = createConfigLoader(
      parseRelayConfig,
      { RELAY_CONFIG_FILE: file },
      { maxAgeMs: 1000, now: () => clock },
    );
    expect((await load()).klaviyo.revision).toBe('2026-07-15');
    await writeFile(file, doc('2026-10-15'));
    clock = 999;
    expect((await load()).klaviyo.revision).toBe('2026-07-15');
    clock = 1001;
    expect((await load()).klaviyo.revision).toBe('2026-10-15');
  });

  it('does not keep a failure: the next call tries again', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cfg-'));
    dirs.push(dir);
    const file = path.join(dir, 'relay.json');
    await writeFile(file, '{ broken');
    const load = createConfigLoader(parseRelayConfig, { RELAY_CONFIG_FILE: file });
    await expect(load()).rejects.toThrowError(ConfigError);
    await writeFile(file, doc('2026-07-15'));
    await expect(load()).resolves.toMatchObject({ version: 1 });
  });

  it('says which variable is missing', async () => {
    await expect(createConfigLoader(parseRelayConfig, {})()).rejects.toThrow(
      /RELAY_CONFIG_FILE nor RELAY_CONFIG_PARAMETER/,
    );
  });

  it('keeps serving the last good document when a reread fails, and reports it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cfg-'));
    dirs.push(dir);
    const file = path.join(dir, 'relay.json');
    await writeFile(file, doc('2026-07-15'));
    let clock = 0;
    const failures: unknown[] = [];
    const load = createConfigLoader(
      parseRelayConfig,
      { RELAY_CONFIG_FILE: file },
      { maxAgeMs: 1000, now: () => clock, onRefreshError: (error) => failures.push(error) },
    );
    expect((await load()).klaviyo.revision).toBe('2026-07-15');
    await writeFile(file, '{ broken');
    clock = 1001;
    expect((await load()).klaviyo.revision).toBe('2026-07-15');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(ConfigError);
    // Not reread on every call while it stays broken…
    clock = 1002;
    expect((await load()).klaviyo.revision).toBe('2026-07-15');
    expect(failures).toHaveLength(1);
    // …but tried again later, and a repaired document is picked up.
    await writeFile(file, doc('2026-10-15'));
    clock = 2003;
    expect((await load()).klaviyo.revision).toBe('2026-10-15');
    expect(failures).toHaveLength(1);
  });
});

describe('config loader, in AWS: the document split per source in SSM', () => {
  it('reads the parameter and every source part under <name>/sources/ (paged), one bad part refused alone', async () => {
    const { SSMProvider } = await import('@aws-lambda-powertools/parameters/ssm');
    const { startSsmStub } = await import('../helpers/ssm-stub.ts');
    const { parseRelayConfigPerSource } = await import('../../functions/shared/config/relay-config.ts');
    const parameters: Record<string, string> = {
      '/relay/config': JSON.stringify({ version: 1, klaviyo: { api_key: { ssm: '/relay/k' } } }),
      // Not a source part: deeper than one level under the path.
      '/relay/config/sources/deeper/x': '{}',
    };
    for (let i = 0; i < 12; i++)
      parameters[`/relay/config/sources/s${i}`] = JSON.stringify({
        kind: 'shopify',
        secrets: [{ ssm: '/s' }],
      });
    parameters['/relay/config/sources/broken'] = JSON.stringify({
      kind: 'shopify',
      secrets: [{ ssm: '/s' }],
      mapping: { filter: { expr: '$contains(' } },
    });
    const stub = await startSsmStub(parameters);
    try {
      const ssm = new SSMProvider({
        clientConfig: {
          endpoint: stub.endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        },
      });
      const refusedSeen: string[] = [];
      const load = createConfigLoader(
        parseRelayConfigPerSource,
        { RELAY_CONFIG_PARAMETER: '/relay/config' },
        { ssm, onLoaded: (c) => refusedSeen.push(...Object.keys(c.refused_sources ?? {})) },
      );
      const config = await load();
      expect(Object.keys(config.sources).sort()).toEqual(
        Array.from({ length: 12 }, (_, i) => `s${i}`).sort(),
      );
      expect(Object.keys(config.refused_sources ?? {})).toEqual(['broken']);
      expect(config.refused_sources?.broken?.[0]?.path).toMatch(/^sources\.broken\.mapping\.filter/);
      expect(refusedSeen).toEqual(['broken']);
      // One GetParameter and two pages of GetParametersByPath, all decrypted.
      expect(stub.calls.map((c) => c.target).sort()).toEqual([
        'AmazonSSM.GetParameter',
        'AmazonSSM.GetParametersByPath',
        'AmazonSSM.GetParametersByPath',
      ]);
      expect(stub.calls.every((c) => c.withDecryption)).toBe(true);
    } finally {
      await stub.close();
    }
  });
});
