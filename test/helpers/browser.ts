// A headless Chromium for the console's browser tests: Debian's `chromium` driven by playwright-core (its own
// browser download cannot be reached here). Missing Chromium skips the tests loudly, and fails them under CI.
import { chromium, type Browser } from 'playwright-core';
import { canRun } from '../infra/tools.ts';
import { findOnPath } from '../../scripts/local-aws/run.ts';

const executable = process.env.CHROMIUM_PATH ?? findOnPath('chromium') ?? findOnPath('chromium-browser');

/** True when the browser tests of `suite` can run; otherwise warns (or throws under CI=true). */
export function browserAvailable(suite: string): boolean {
  return canRun(suite, [
    {
      what: '`chromium` on PATH (or CHROMIUM_PATH)',
      present: executable !== undefined,
      hint: 'install Chromium (`apt-get install -y chromium`) or set CHROMIUM_PATH',
    },
  ]);
}

export async function launchBrowser(): Promise<Browser> {
  if (executable === undefined) throw new Error('no chromium on PATH and no CHROMIUM_PATH');
  return chromium.launch({ executablePath: executable, headless: true, args: ['--no-sandbox'] });
}
