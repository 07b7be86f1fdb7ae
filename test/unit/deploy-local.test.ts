// `npm run deploy:local` without moto or Terraform (issue 22): its options and their checks, and the root it
// applies — the complete example's files with only the module source changed, plus the override that sends
// every AWS service the module uses to moto. The apply itself needs moto_server and takes minutes: run by hand.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployLocalOptions, DEFAULT_PORT } from '../../scripts/deploy-local/options.ts';
import { EXAMPLE_DIR, moduleSourceFor, prepareRoot } from '../../scripts/deploy-local/root.ts';
import { PROVIDER_SERVICES } from '../../scripts/local-aws/moto.ts';
import { repoRoot } from '../../scripts/local-aws/run.ts';

describe('deploy:local options', () => {
  it('defaults to applying on port 5000 under .local/deploy-local', () => {
    expect(deployLocalOptions({})).toEqual({
      destroy: false,
      port: DEFAULT_PORT,
      dir: path.join(repoRoot, '.local', 'deploy-local'),
      endpoint: 'http://127.0.0.1:5000',
    });
  });

  it('takes --destroy, --port and --dir', () => {
    const options = deployLocalOptions({ destroy: true, port: '4566', dir: '/tmp/relay-moto' });
    expect(options).toEqual({
      destroy: true,
      port: 4566,
      dir: '/tmp/relay-moto',
      endpoint: 'http://127.0.0.1:4566',
    });
  });

  it.each(['abc', '0', '65536', '-1', '50.5', ''])('refuses --port %j, naming the option', (port) => {
    expect(() => deployLocalOptions({ port })).toThrow(
      `--port must be a TCP port number from 1 to 65535, not "${port}"`,
    );
  });

  it.each(['.', 'terraform', 'docs/tmp'])(
    'refuses a --dir inside the clone outside .local/ and .tmp/ (%j)',
    (dir) => {
      expect(() => deployLocalOptions({ dir })).toThrow(
        /--dir must be outside the repository or under \.local\/ or \.tmp\//,
      );
    },
  );
});

describe('deploy:local root', () => {
  it('points the module at this clone from anywhere, as a local path', () => {
    for (const root of [path.join(repoRoot, '.local', 'deploy-local', 'root'), '/tmp/x/root']) {
      const source = moduleSourceFor(root);
      expect(source).toMatch(/^\.\.?\//);
      expect(path.resolve(root, source)).toBe(path.join(repoRoot, 'terraform'));
    }
  });

  it('copies the complete example with only the module source changed, and sends every service to moto', async () => {
    const root = path.join(await mkdtemp(path.join(tmpdir(), 'deploy-local-')), 'root');
    await prepareRoot(root, 'http://127.0.0.1:5999');
    const example = (await readdir(EXAMPLE_DIR)).filter((f) => f.endsWith('.tf')).sort();
    expect((await readdir(root)).sort()).toEqual([...example, 'moto_override.tf'].sort());
    for (const file of example) {
      const original = await readFile(path.join(EXAMPLE_DIR, file), 'utf8');
      const copied = await readFile(path.join(root, file), 'utf8');
      expect(copied).toBe(original.replace('source = "../../"', `source = "${moduleSourceFor(root)}"`));
    }
    expect(await readFile(path.join(root, 'main.tf'), 'utf8')).not.toContain('"../../"');

    const override = await readFile(path.join(root, 'moto_override.tf'), 'utf8');
    const endpoints = [...override.matchAll(/^\s+(\w+)\s+= "http:\/\/127\.0\.0\.1:5999"$/gm)].map(
      (m) => m[1],
    );
    expect(endpoints).toEqual([...PROVIDER_SERVICES]);
    expect(PROVIDER_SERVICES).toHaveLength(13);
    expect(override).toMatch(/^# Written by npm run deploy:local:/);
    expect(override).toMatch(/module "relay" \{\n\s+validate_configuration = false\n\}/);
  });
});
