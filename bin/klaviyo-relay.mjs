#!/usr/bin/env node
// The `klaviyo-relay` command (package.json `bin`): the CLI's TypeScript source run through tsx, as
// `npm run relay` runs it, so the command and the repository never differ.
//
// The relay needs Node ≥ 22.12 (package.json `engines`), but `#!/usr/bin/env node` finds whatever `node` is first on
// PATH, often the Node 20 that runs npm. `npx klaviyo-relay` and `npm run relay` put node_modules/.bin, holding the
// Node 22 of the `node` devDependency, first; a bare `klaviyo-relay` (npm link, a global install, a path) does not.
// So under an older Node this file runs itself again under that Node 22, or says what it needs. Plain JavaScript
// and only built-in modules until then, so that an old Node gets this far.
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const NEEDED = [22, 12];
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const supported = major > NEEDED[0] || (major === NEEDED[0] && minor >= NEEDED[1]);

if (!supported) {
  const projectNode = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  // The marker stops a loop should that binary itself be too old.
  if (existsSync(projectNode) && process.env.KLAVIYO_RELAY_RELAUNCHED !== projectNode) {
    const result = spawnSync(projectNode, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, KLAVIYO_RELAY_RELAUNCHED: projectNode },
    });
    if (result.error) {
      console.error(`klaviyo-relay: could not run ${projectNode}: ${result.error.message}`);
      process.exit(1);
    }
    process.exit(result.status ?? 1);
  }
  console.error(
    [
      `klaviyo-relay needs Node.js ${NEEDED.join('.')} or newer; this is ${process.version} (${process.execPath}).`,
      'In a clone of the repository, `npm ci` installs Node 22 (the `node` devDependency) and this command then uses',
      'it on its own; or run `npx klaviyo-relay …` / `npm run relay -- …`, or put a Node 22 first on PATH.',
    ].join('\n'),
  );
  process.exit(1);
}

const { register } = await import('tsx/esm/api');
register();
await import('../cli/relay.ts');
