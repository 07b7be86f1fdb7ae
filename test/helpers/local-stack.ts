// Local mode for end-to-end tests: on a configuration document of the test's own (written to a temporary
// directory, with the module's retry settings), or on config/local.json with sources added.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import { signedHeaders, type SignOptions } from '../../operations/sign.ts';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack.ts';

export type LocalSources = Record<string, Record<string, unknown>>;

/**
 * Local mode on `document`, written as a file in a new temporary directory; the caller removes `dir` after
 * stopping the stack. `options` replace the defaults (no environment, maxReceiveCount 5, visibility 30 s).
 */
export async function startLocalStackWithDocument(
  document: unknown,
  options: Omit<LocalStackOptions, 'configFile'> = {},
): Promise<{ stack: LocalStack; dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'relay-e2e-config-'));
  const configFile = path.join(dir, 'relay.json');
  await writeFile(configFile, JSON.stringify(document));
  const stack = await startLocalStack({
    env: {},
    maxReceiveCount: 5,
    visibilityTimeoutSeconds: 30,
    ...options,
    configFile,
  });
  return { stack, dir };
}

/** The Klaviyo mock local mode started because the document names no Klaviyo. */
export function klaviyoMockOf(stack: LocalStack): KlaviyoMock {
  if (!stack.klaviyoMock) throw new Error('the Klaviyo mock should run when no Klaviyo is named');
  return stack.klaviyoMock;
}

/** The local document's sources, for a test that builds on one of them. */
export async function localSources(): Promise<LocalSources> {
  const base = JSON.parse(await readFile('config/local.json', 'utf8')) as { sources: LocalSources };
  return base.sources;
}

/** Local mode on config/local.json with `sources` added (or replaced by name). */
export async function startLocalStackWithSources(
  sources: LocalSources,
): Promise<{ stack: LocalStack; mock: KlaviyoMock }> {
  const base = JSON.parse(await readFile('config/local.json', 'utf8')) as { sources: LocalSources };
  const { stack } = await startLocalStackWithDocument({ ...base, sources: { ...base.sources, ...sources } });
  return { stack, mock: klaviyoMockOf(stack) };
}

/** Posts `body` to local mode's endpoint for the source `name`, signed with `secret` as that source's sender signs. */
export async function postSigned(
  stack: LocalStack,
  name: string,
  body: Buffer,
  secret: string,
  options: SignOptions = {},
): Promise<Response> {
  const source = stack.config.sources[name];
  if (!source) throw new Error(`no source ${name}`);
  const headers = signedHeaders(source, body, secret, options);
  return fetch(stack.webhookUrl(name), { method: 'POST', headers, body });
}
