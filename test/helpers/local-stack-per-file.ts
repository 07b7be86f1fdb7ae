// Local mode once per end-to-end test file: started in beforeAll on a configuration document of the file's own,
// stopped (its temporary directory removed, and a Klaviyo mock the file started closed) in afterAll. The suite's
// time allows one start per file, never one per test.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import type { KlaviyoMock } from '../../local/klaviyo-mock/index.ts';
import type { LocalStack, LocalStackOptions } from '../../local/stack.ts';
import { klaviyoMockOf, startLocalStackWithDocument } from './local-stack.ts';

/** The Klaviyo part of a test document: the mock local mode starts, or the one `KLAVIYO_BASE_URL` names. */
const KLAVIYO = { api_key: { env: 'KLAVIYO_API_KEY' }, base_url: '${KLAVIYO_BASE_URL}' };

/** The shopify preset with the development secret, and nothing else configured. */
export const SHOPIFY_SOURCE = { preset: 'shopify', secrets: [{ env: 'SHOPIFY_WEBHOOK_SECRET' }] };

/** A configuration document of these sources, delivering to local mode's Klaviyo. */
export const documentOf = (sources: Record<string, unknown>) => ({ version: 1, sources, klaviyo: KLAVIYO });

export interface FileStackSetup {
  document: unknown;
  /** As startLocalStackWithDocument takes them. */
  options?: Omit<LocalStackOptions, 'configFile'>;
  /**
   * A Klaviyo mock the file started itself (named to the stack by `options.klaviyo`): the one `mock` returns, and
   * closed after the stack stops. Without it, `mock` is the mock local mode started.
   */
  ownMock?: KlaviyoMock;
}

export interface FileStack {
  readonly stack: LocalStack;
  readonly mock: KlaviyoMock;
}

/**
 * Registers the file's beforeAll and afterAll; `setup` runs in beforeAll (it may start what the document names).
 * Read `stack` and `mock` inside tests and hooks: they exist once beforeAll has run.
 */
export function useLocalStack(setup: () => FileStackSetup | Promise<FileStackSetup>): FileStack {
  let running: { stack: LocalStack; dir: string; mock: KlaviyoMock; ownMock?: KlaviyoMock } | undefined;
  beforeAll(async () => {
    const { document, options, ownMock } = await setup();
    const { stack, dir } = await startLocalStackWithDocument(document, options).catch(
      async (error: unknown) => {
        await ownMock?.close();
        throw error;
      },
    );
    running = { stack, dir, mock: ownMock ?? klaviyoMockOf(stack), ...(ownMock ? { ownMock } : {}) };
  });
  afterAll(async () => {
    if (!running) return;
    await running.stack.stop();
    await running.ownMock?.close();
    await rm(running.dir, { recursive: true, force: true });
  });
  const current = () => {
    if (!running) throw new Error('local mode is not running (read it inside a test or hook)');
    return running;
  };
  return {
    get stack() {
      return current().stack;
    },
    get mock() {
      return current().mock;
    },
  };
}
