// The artifacts Terraform deploys: building twice must give the same bytes (so an unchanged function is
// never redeployed), and changing one function's code must change that function's zip only.
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, compareWithRelease, FUNCTIONS, type BuiltArtifact } from '../../scripts/build.ts';

const temp: string[] = [];
async function tempDir() {
  const dir = await mkdtemp(path.join(tmpdir(), 'relay-build-'));
  temp.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(temp.map((dir) => rm(dir, { recursive: true, force: true })));
});

const hashes = (artifacts: BuiltArtifact[]) => Object.fromEntries(artifacts.map((a) => [a.name, a.sha256]));

/** A fresh build of this repository, made once for the tests that need one (a build takes seconds). */
let freshBuild: Promise<BuiltArtifact[]> | undefined;
const fresh = () => (freshBuild ??= tempDir().then((outDir) => build({ outDir })));

describe('npm run build', () => {
  it('gives byte-identical zips when built twice, one per function', async () => {
    // Two independent builds, made at the same time.
    const [first, second] = await Promise.all([fresh(), tempDir().then((outDir) => build({ outDir }))]);
    expect(first.map((a) => a.name)).toEqual([...FUNCTIONS]);
    for (const [i, a] of first.entries()) {
      const b = second[i];
      expect(b?.sha256).toBe(a.sha256);
      expect(await readFile(a.file)).toEqual(await readFile(b?.file ?? ''));
    }
  });

  it('changes only the zip of the function whose code changed', async () => {
    const root = await tempDir();
    await cp('functions', path.join(root, 'functions'), { recursive: true });
    await symlink(path.resolve('node_modules'), path.join(root, 'node_modules'));
    await cp('tsconfig.json', path.join(root, 'tsconfig.json'));
    await cp('package.json', path.join(root, 'package.json'));
    const before = hashes(await build({ root, outDir: path.join(root, 'before') }));

    const file = path.join(root, 'functions/hydrate/hydrate-event.ts');
    const source = await readFile(file, 'utf8');
    await writeFile(file, source.replace("'hydrated'", "'hydrated (changed)'"));
    const after = hashes(await build({ root, outDir: path.join(root, 'after') }));

    expect(after.hydrate).not.toBe(before.hydrate);
    expect(after.ingest).toBe(before.ingest);
    expect(after.deliver).toBe(before.deliver);
  });

  it('writes index.mjs alone, with a fixed DOS timestamp, whatever the time zone', async () => {
    const zips = [];
    for (const tz of ['UTC', 'Pacific/Auckland']) {
      process.env.TZ = tz;
      const [ingest] = await build({ outDir: await tempDir() });
      zips.push(await readFile(ingest?.file ?? ''));
    }
    delete process.env.TZ;
    expect(zips[0]).toEqual(zips[1]);
    // First local file header: signature, then DOS time at offset 10 and date at offset 12.
    const zip = zips[0] ?? Buffer.alloc(0);
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    expect(zip.readUInt16LE(10)).toBe(0); // 00:00:00
    expect(zip.readUInt16LE(12)).toBe(((2020 - 1980) << 9) | (1 << 5) | 1); // 2020-01-01
    const name = zip.subarray(30, 30 + zip.readUInt16LE(26)).toString();
    expect(name).toBe('index.mjs');
    // Source maps are not shipped (ADR 0010): no map file, and no reference to one.
    expect(zip.includes(Buffer.from('index.mjs.map'))).toBe(false);
  });

  it("ships the zips a fresh build of this commit gives as the module's prebuilt artifacts", async () => {
    expect(
      await compareWithRelease(await fresh()),
      'terraform/artifacts/ must be rebuilt: run `npm run build:release` and commit it',
    ).toEqual([]);
  });
});
