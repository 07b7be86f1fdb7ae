// Builds <function>.zip for each Lambda: an esbuild bundle (ESM, Node 22) zipped deterministically (fixed
// timestamps and modes, sorted entries), so that Terraform's filebase64sha256(zip) changes exactly when that
// function's code changes. `npm run build` writes dist/; `npm run build -- --release` writes the module's
// prebuilt terraform/artifacts/ with SHA256SUMS, and `--check` compares a fresh build with them; `--analyze`
// lists what each bundle holds (esbuild's metafile), by package or source file.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import yazl from 'yazl';
import { parseEntryArgs } from '../operations/entry-args.ts';
import { icannOnlySuffixTrie } from './icann-suffix-trie.ts';

export const FUNCTIONS = ['ingest', 'hydrate', 'deliver'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where the module looks for its prebuilt zips (terraform/main.tf, local.artifacts_dir). */
export const RELEASE_ARTIFACTS_DIR = path.join(repoRoot, 'terraform', 'artifacts');
export const CHECKSUMS_FILE = 'SHA256SUMS';

// Zip stores local date and time (DOS format), so the date is built in local time: the bytes are then the
// same in every time zone. Only the DOS timestamp is written (no UTC extra field) for the same reason.
const fixedMtime = () => new Date(2020, 0, 1, 0, 0, 0);

// CommonJS dependencies bundled into an ES module still call require() for Node built-ins.
const REQUIRE_SHIM =
  "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);";

/**
 * zod re-exports all of its ~50 message locales as `z.locales`, which no bundler can drop; the relay only
 * ever uses English (functions/shared configures it), so the locale index resolves to English alone.
 */
function englishOnlyZodLocales(root: string): esbuild.Plugin {
  const english = createRequire(path.join(root, 'package.json')).resolve('zod/v4/locales/en.js');
  return {
    name: 'zod-english-only',
    setup(build) {
      build.onResolve({ filter: /[/\\]locales[/\\]index\.js$/ }, (args) =>
        /[/\\]node_modules[/\\]zod[/\\]/.test(args.importer)
          ? { path: 'zod-locales-en', namespace: 'zod-english-only' }
          : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, () => ({
        contents: `export { default as en } from ${JSON.stringify(english)};`,
        resolveDir: root,
        loader: 'js',
      }));
    },
  };
}

/**
 * The AWS SDK clients import their package.json for one field, `version` (the user agent's client version), and
 * esbuild bundles a default-imported JSON file whole: ~2.5 KB of scripts, dependencies and file lists per client.
 * Each such package.json is bundled as its name and version alone.
 */
function sdkPackageVersionOnly(): esbuild.Plugin {
  return {
    name: 'aws-sdk-package-version-only',
    setup(build) {
      build.onLoad(
        { filter: /[/\\]node_modules[/\\]@aws-sdk[/\\][^/\\]+[/\\]package\.json$/ },
        async (args) => {
          const { name, version } = JSON.parse(await readFile(args.path, 'utf8')) as {
            name: string;
            version: string;
          };
          return { contents: JSON.stringify({ name, version }), loader: 'json' };
        },
      );
    },
  };
}

/** esbuild settings shared by the build and the cold-start benchmark's SDK-only baseline bundles. */
export function bundleOptions(root: string = repoRoot): esbuild.BuildOptions {
  return {
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    // No source maps (ADR 0010): they would more than double each zip, and keepNames keeps function and class
    // names in stack traces.
    sourcemap: false,
    minify: true,
    keepNames: true,
    legalComments: 'none',
    banner: { js: REQUIRE_SHIM },
    mainFields: ['module', 'main'],
    // The Public Suffix List's ICANN section alone: the only one hydrate reads (./icann-suffix-trie.ts).
    plugins: [englishOnlyZodLocales(root), sdkPackageVersionOnly(), icannOnlySuffixTrie()],
    logLevel: 'warning',
  };
}

/** One function's bundle, as the build writes it. */
const functionBundle = (name: FunctionName, root: string): esbuild.BuildOptions => ({
  ...bundleOptions(root),
  entryPoints: [`functions/${name}/handler.ts`],
  outfile: `dist/${name}/index.mjs`,
  write: false,
});

async function bundle(name: FunctionName, root: string): Promise<Map<string, Uint8Array>> {
  const result = await esbuild.build(functionBundle(name, root));
  const files = new Map<string, Uint8Array>();
  for (const file of result.outputFiles ?? []) files.set(path.basename(file.path), file.contents);
  return files;
}

/**
 * What one function's bundle holds: esbuild's metafile, whose output lists each module bundled (paths relative
 * to `root`) with the bytes it adds. test/unit/bundle-contents.test.ts and `npm run build -- --analyze` read it.
 */
export async function bundleMetafile(name: FunctionName, root: string = repoRoot): Promise<esbuild.Metafile> {
  const result = await esbuild.build({ ...functionBundle(name, root), metafile: true });
  return result.metafile ?? { inputs: {}, outputs: {} };
}

/** Bytes each package (node_modules) or source file adds to a bundle, largest first. */
export function bytesByModule(metafile: esbuild.Metafile): [string, number][] {
  const bytes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs))
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input;
      bytes.set(module, (bytes.get(module) ?? 0) + bytesInOutput);
    }
  return [...bytes].sort((a, b) => b[1] - a[1]);
}

function zip(files: Map<string, Uint8Array>): Promise<Buffer> {
  const archive = new yazl.ZipFile();
  for (const name of [...files.keys()].sort()) {
    const contents = files.get(name);
    if (!contents) continue;
    archive.addBuffer(Buffer.from(contents), name, {
      mtime: fixedMtime(),
      mode: 0o100644,
      compress: true,
      forceDosTimestamp: true,
    });
  }
  archive.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    archive.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    archive.outputStream.on('error', reject);
    archive.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

export interface BuiltArtifact {
  name: FunctionName;
  file: string;
  bytes: number;
  /** base64, as Terraform's filebase64sha256 and Lambda's CodeSha256 give it. */
  sha256: string;
  /** hex, as sha256sum gives it. */
  sha256Hex: string;
}

export interface BuildOptions {
  /** Where the zips go; default dist/. */
  outDir?: string;
  /** The tree holding functions/ (and node_modules/); default this repository. */
  root?: string;
}

export async function build(options: BuildOptions = {}): Promise<BuiltArtifact[]> {
  const root = options.root ?? repoRoot;
  const outDir = options.outDir ?? path.join(root, 'dist');
  await mkdir(outDir, { recursive: true });
  const artifacts: BuiltArtifact[] = [];
  for (const name of FUNCTIONS) {
    const archive = await zip(await bundle(name, root));
    const file = path.join(outDir, `${name}.zip`);
    await writeFile(file, archive);
    const digest = createHash('sha256').update(archive).digest();
    artifacts.push({
      name,
      file,
      bytes: archive.length,
      sha256: digest.toString('base64'),
      sha256Hex: digest.toString('hex'),
    });
  }
  return artifacts;
}

/** SHA256SUMS in sha256sum's format, so `sha256sum -c SHA256SUMS` verifies a download. */
export function checksums(artifacts: readonly BuiltArtifact[]): string {
  return artifacts.map((a) => `${a.sha256Hex}  ${path.basename(a.file)}\n`).join('');
}

/** Differences between the committed release artifacts and a fresh build of the same tree; empty when equal. */
export async function compareWithRelease(
  fresh: readonly BuiltArtifact[],
  releaseDir: string = RELEASE_ARTIFACTS_DIR,
): Promise<string[]> {
  const problems: string[] = [];
  const committed = await readFile(path.join(releaseDir, CHECKSUMS_FILE), 'utf8').catch(() => undefined);
  if (committed === undefined) return [`${CHECKSUMS_FILE} is missing from ${releaseDir}`];
  if (committed !== checksums(fresh)) problems.push(`${CHECKSUMS_FILE} does not list the fresh build's zips`);
  for (const artifact of fresh) {
    const zipFile = path.join(releaseDir, `${artifact.name}.zip`);
    const bytes = await readFile(zipFile).catch(() => undefined);
    if (bytes === undefined) problems.push(`${artifact.name}.zip is missing`);
    else if (!bytes.equals(await readFile(artifact.file)))
      problems.push(`${artifact.name}.zip differs from a fresh build of this commit`);
  }
  return problems;
}

async function main(argv: string[]): Promise<number> {
  const { values: flags } = parseEntryArgs(
    {
      command: 'npm run build --',
      description:
        'Bundles the three functions into dist/ (npm run build). --release writes terraform/artifacts/\n' +
        'and its checksums (npm run build:release); --check compares a fresh build with them (npm run build:check).',
      options: {
        release: 'write terraform/artifacts/ and SHA256SUMS',
        check: 'fail when terraform/artifacts/ differs from a fresh build',
        analyze: 'print what each bundle holds, by package (≥ 1 KB), and build nothing',
      },
    },
    { release: { type: 'boolean' }, check: { type: 'boolean' }, analyze: { type: 'boolean' } },
    { args: argv },
  );
  if (flags.analyze) {
    // What each bundle holds, by package or source file (≥ 1 KB), minified bytes.
    for (const name of FUNCTIONS) {
      const modules = bytesByModule(await bundleMetafile(name));
      const total = modules.reduce((sum, [, bytes]) => sum + bytes, 0);
      console.log(`${name}: ${(total / 1000).toFixed(1)} KB`);
      for (const [module, bytes] of modules)
        if (bytes >= 1000) console.log(`  ${(bytes / 1000).toFixed(1).padStart(7)} KB  ${module}`);
    }
    return 0;
  }
  const release = flags.release === true;
  const check = flags.check === true;
  const outDir = release
    ? RELEASE_ARTIFACTS_DIR
    : check
      ? path.join(repoRoot, '.tmp', 'build-check')
      : undefined;
  const artifacts = await build(outDir === undefined ? {} : { outDir });
  for (const a of artifacts)
    console.log(
      `${path.relative(process.cwd(), a.file)}  ${(a.bytes / 1024).toFixed(1)} KiB  sha256=${a.sha256Hex}`,
    );
  if (release) await writeFile(path.join(RELEASE_ARTIFACTS_DIR, CHECKSUMS_FILE), checksums(artifacts));
  if (check) {
    const problems = await compareWithRelease(artifacts);
    if (problems.length > 0) {
      console.error(
        `terraform/artifacts/ is not what this commit builds:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
          'Run `npm run build:release` and commit terraform/artifacts/.',
      );
      return 1;
    }
    console.log('terraform/artifacts/ matches a fresh build of this commit.');
  }
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
