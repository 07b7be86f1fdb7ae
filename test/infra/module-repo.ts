// Publishes the module as a consumer meets it: a git repository holding this checkout's terraform/ tree
// (its files as they are now, committed or not, so a test sees the change under test), tagged like a release.
// A root configuration elsewhere then uses it by `git::file://…//terraform?ref=<tag>`, as it would use
// `git::https://…` — with no dist/, no node_modules and no build, only what the module directory carries.
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describeRun, repoRoot, run } from './tools.ts';

export interface ModuleRepo {
  /** `git::file://…//terraform?ref=…`, for a module block's `source`. */
  source: string;
  /** The published copy's module directory. */
  moduleDir: string;
}

async function git(args: readonly string[], cwd: string): Promise<string> {
  const result = await run('git', args, {
    cwd,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'relay tests',
      GIT_AUTHOR_EMAIL: 'tests@relay.invalid',
      GIT_COMMITTER_NAME: 'relay tests',
      GIT_COMMITTER_EMAIL: 'tests@relay.invalid',
    },
  });
  if (result.code !== 0) throw new Error(describeRun(`git ${args.join(' ')}`, result));
  return result.stdout;
}

export async function publishModuleRepo(dir: string, tag = 'v0.0.0-test'): Promise<ModuleRepo> {
  // Tracked and new (not ignored) files: what a commit of this working tree would hold.
  const listed = await git(
    ['ls-files', '--cached', '--others', '--exclude-standard', '-z', '--', 'terraform'],
    repoRoot,
  );
  const files = listed.split('\0').filter((file) => file !== '');
  if (!files.includes('terraform/artifacts/SHA256SUMS'))
    throw new Error('terraform/artifacts/ is not in the working tree: run `npm run build:release`');
  await mkdir(dir, { recursive: true });
  for (const file of files) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await copyFile(path.join(repoRoot, file), path.join(dir, file)).catch((error: unknown) => {
      // A tracked file deleted in the working tree is not part of it.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    });
  }
  await git(['init', '-q', '-b', 'main'], dir);
  await git(['add', '-A'], dir);
  await git(['commit', '-q', '-m', 'module under test'], dir);
  await git(['tag', tag], dir);
  return { source: `git::file://${dir}//terraform?ref=${tag}`, moduleDir: path.join(dir, 'terraform') };
}
