// Local mode for an end-to-end test that needs sources config/local.json does not have: the local document with
// `sources` added (or replaced by name), written to a temporary file, with the module's retry settings.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { startLocalStack, type LocalStack } from '../../local/stack.ts';

export type LocalSources = Record<string, Record<string, unknown>>;

/** The local document's sources, for a test that builds on one of them. */
export async function localSources(): Promise<LocalSources> {
  const base = JSON.parse(await readFile('config/local.json', 'utf8')) as { sources: LocalSources };
  return base.sources;
}

export async function startLocalStackWithSources(
  sources: LocalSources,
): Promise<{ stack: LocalStack; mock: KlaviyoMock }> {
  const base = JSON.parse(await readFile('config/local.json', 'utf8')) as { sources: LocalSources };
  const dir = await mkdtemp(path.join(tmpdir(), 'relay-e2e-config-'));
  const configFile = path.join(dir, 'config.json');
  await writeFile(configFile, JSON.stringify({ ...base, sources: { ...base.sources, ...sources } }));
  const stack = await startLocalStack({
    env: {},
    configFile,
    maxReceiveCount: 5,
    visibilityTimeoutSeconds: 30,
  });
  if (!stack.klaviyoMock) throw new Error('the Klaviyo mock should run when no Klaviyo is named');
  return { stack, mock: stack.klaviyoMock };
}
