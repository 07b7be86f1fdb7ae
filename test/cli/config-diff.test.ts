// `relay config diff`: the document one would deploy against the deployed one, by JSON path, both read as the
// functions read them (defaults filled, so an unchanged default is no change).
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonDiff } from '../../cli/json-diff.ts';
import { runRelay } from '../helpers/relay-cli.ts';
import { startSsmStub } from '../helpers/ssm-stub.ts';

describe('jsonDiff', () => {
  it('names what was added, removed and changed by JSON path', () => {
    expect(
      jsonDiff(
        { a: 1, b: { c: [1, 2], 'x y': true }, gone: 'x' },
        { a: 2, b: { c: [1, 3, 4], 'x y': true }, new: null },
      ),
    ).toEqual([
      { kind: 'changed', path: 'a', before: 1, after: 2 },
      { kind: 'changed', path: 'b.c[1]', before: 2, after: 3 },
      { kind: 'added', path: 'b.c[2]', after: 4 },
      { kind: 'removed', path: 'gone', before: 'x' },
      { kind: 'added', path: 'new', after: null },
    ]);
    expect(jsonDiff({ a: [1] }, { a: [1] })).toEqual([]);
  });
});

describe('relay config diff', () => {
  it('compares with the stack’s config_document and reports only real changes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'relay-diff-'));
    const deployed = JSON.parse(await readFile('config/local.json', 'utf8')) as {
      sources: { shopify: { mapping: Record<string, unknown> } };
    };
    const stackFile = path.join(dir, 'stack.json');
    const text = JSON.stringify(deployed)
      .replaceAll('${DEMO_API_URL}', 'http://127.0.0.1/placeholder')
      .replaceAll('${KLAVIYO_BASE_URL}', 'http://127.0.0.1/placeholder');
    await writeFile(stackFile, JSON.stringify({ config_document: { value: text } }));
    const relay = (...args: string[]) =>
      runRelay(['config', 'diff', ...args, '--stack', stackFile, '--json']);

    const same = JSON.parse((await relay('config/local.json')).stdout) as { changes: unknown[] };
    expect(same.changes).toEqual([]);

    deployed.sources.shopify.mapping.metric = 'Shopify Event';
    const changedFile = path.join(dir, 'next.json');
    await writeFile(changedFile, JSON.stringify(deployed));
    const changed = JSON.parse((await relay(changedFile)).stdout) as { changes: unknown[] };
    expect(changed.changes).toEqual([
      { kind: 'added', path: 'sources.shopify.mapping.metric', after: 'Shopify Event' },
    ]);
  });

  it('reads the deployed document from SSM as the functions do: the parameter and each source part', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'relay-diff-ssm-'));
    const text = (await readFile('config/local.json', 'utf8'))
      .replaceAll('${DEMO_API_URL}', 'http://127.0.0.1/placeholder')
      .replaceAll('${KLAVIYO_BASE_URL}', 'http://127.0.0.1/placeholder');
    const { sources, ...rest } = JSON.parse(text) as { sources: Record<string, unknown> };
    const parameters: Record<string, string> = { '/relay/config': JSON.stringify(rest) };
    for (const [name, part] of Object.entries(sources))
      parameters[`/relay/config/sources/${name}`] = JSON.stringify(part);
    const ssm = await startSsmStub(parameters);
    try {
      const stackFile = path.join(dir, 'stack.json');
      await writeFile(stackFile, JSON.stringify({ config_parameter_name: { value: '/relay/config' } }));
      const result = await runRelay(['config', 'diff', 'config/local.json', '--stack', stackFile, '--json'], {
        AWS_ENDPOINT_URL_SSM: ssm.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_PROFILE: '',
      });
      expect(JSON.parse(result.stdout)).toEqual({ deployed: 'ssm:/relay/config', changes: [] });
      expect(ssm.calls.map((c) => c.target).sort()).toEqual([
        'AmazonSSM.GetParameter',
        'AmazonSSM.GetParametersByPath',
      ]);
    } finally {
      await ssm.close();
    }
  });
});
