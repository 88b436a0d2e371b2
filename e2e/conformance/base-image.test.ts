/**
 * `contents.baseimage` against the real apko: apko builds a base image from
 * the suite's local repository, its installed database is written as
 * `apkindex/<arch>/APKINDEX` (as apko's examples/on_top_of_base does with
 * crane), and then both tools lock and build the same on-top-of-base config
 * (apko builds on a base only from a lock file). The layouts must match but
 * for the differences every case shows: the base's layers and diff_ids, the
 * new layer's entries, headers and diff_id (its installed database lists the
 * base's packages first, as apko rewrites them), the image config (the base's
 * Entrypoint and WorkingDir kept, its Env replaced, history and diff_ids
 * extended) and the manifests; and the lock files and show-packages (base
 * packages included, ordered as apko counts their copies) must be the same.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../engine/apk/keys';
import { writeLocalRepository } from '../../engine/example/local-repository';
import { classify, expectedKnown } from './known-differences';
import { documentDifferences, formatDifference, layoutDifferences, lineDifferences, type Difference } from './compare';
import { PACKAGES, REPOSITORY_ARCHS } from './inputs';
import { readLayoutView, type LayoutView } from './layout-view';
import { noticeIfMissing, needTool, referenceToolFor, type Prerequisite } from './prerequisites';
import { apko, apkoNx } from './run-case';

const ARCHS = ['x86_64', 'aarch64'] as const;
const OCI_ARCH: Record<string, string> = { amd64: 'x86_64', arm64: 'aarch64' };

let prerequisite: Prerequisite | undefined;
let diffs: Difference[] = [];
let packageDiffs: Difference[] = [];
let apkoLayout: LayoutView;
let baseLayout: LayoutView;
let unlockedDiffs: Difference[] = [];

/** Writes each arch's installed database of the base layout as `<dir>/<arch>/APKINDEX`. */
function writeApkIndexes(base: LayoutView, dir: string): void {
  for (const img of base.images) {
    const arch = OCI_ARCH[img.platform.split('/')[1]!]!;
    const installed = img.layers.flatMap((l) => l.entries).find((e) => e.name === 'usr/lib/apk/db/installed');
    if (!installed) throw new Error(`the base image for ${arch} has no installed database`);
    mkdirSync(join(dir, arch), { recursive: true });
    writeFileSync(join(dir, arch, 'APKINDEX'), installed.data);
  }
}

beforeAll(async () => {
  prerequisite = await referenceToolFor('apko');
  noticeIfMissing(prerequisite, 'apko base image');
  if (!('tool' in prerequisite)) return;
  const bin = prerequisite.tool.path;
  const work = mkdtempSync(join(tmpdir(), 'apko-conformance-base-'));
  const key = generateKeyPair('conformance', 2048);
  const keyFile = join(work, key.publicKeyName);
  writeFileSync(keyFile, key.publicKeyPem);
  const repo = join(work, 'packages');
  await writeLocalRepository(repo, { key, archs: REPOSITORY_ARCHS, packages: PACKAGES, sourceDateEpoch: 1700000500 });
  const contents = `  repositories: [${repo}]\n  keyring: [${keyFile}]\n`;
  writeFileSync(join(work, 'base.yaml'), `contents:\n${contents}  packages: [foo]\narchs: [${ARCHS.join(', ')}]\nentrypoint:\n  command: /usr/bin/foo --base\nenvironment:\n  FROM_BASE: "yes"\nwork-dir: /root\n`);
  mkdirSync(join(work, 'base-layout'));
  await apko(bin, ['build', 'base.yaml', 'base:1', 'base-layout', '--offline', '--sbom=false', '--vcs=false'], work);
  baseLayout = readLayoutView(join(work, 'base-layout'));
  writeApkIndexes(baseLayout, join(work, 'apkindex'));
  // foo is in the base (and so not installed again); bar needs it; busybox is new.
  writeFileSync(join(work, 'apko.yaml'), `contents:\n  baseimage:\n    image: base-layout\n    apkindex: apkindex\n${contents}  packages: [foo, bar, busybox]\narchs: [${ARCHS.join(', ')}]\n`);
  const outputs = async (tool: 'apko' | 'apko-nx') => {
    const exec = tool === 'apko' ? (a: string[]) => apko(bin, a, work) : (a: string[]) => apkoNx(a, work);
    const cache = ['--cache-dir', join(work, `${tool}-cache`)];
    const lock = join(work, `${tool}.lock.json`);
    await exec(['lock', 'apko.yaml', '--output', lock, ...cache]);
    mkdirSync(join(work, `${tool}-layout`));
    await exec(['build', 'apko.yaml', 'top:1', `${tool}-layout`, '--offline', '--sbom=false', '--vcs=false', '--lockfile', lock, ...cache]);
    const packages = await exec(['show-packages', 'apko.yaml', '--offline', '--arch', 'x86_64', ...cache]);
    return { layout: readLayoutView(join(work, `${tool}-layout`)), lock: JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(lock, 'utf8'))), packages };
  };
  const [theirs, ours] = await Promise.all([outputs('apko'), outputs('apko-nx')]);
  apkoLayout = theirs.layout;
  diffs = [...layoutDifferences(theirs.layout, ours.layout), ...documentDifferences('lock', 'lock file', theirs.lock, ours.lock)];
  packageDiffs = lineDifferences('packages', 'show-packages on a base image', theirs.packages, ours.packages);
  // apko-nx also builds on a base without a lock file (apko refuses); it resolves to the same image.
  mkdirSync(join(work, 'unlocked-layout'));
  await apkoNx(['build', 'apko.yaml', 'top:1', 'unlocked-layout', '--offline', '--sbom=false', '--vcs=false', '--cache-dir', join(work, 'apko-nx-cache')], work);
  unlockedDiffs = layoutDifferences(theirs.layout, readLayoutView(join(work, 'unlocked-layout')));
}, 300_000);

const unexpected = (d: readonly Difference[]) => classify(d).unexpected.map(formatDifference);

describe('apko-nx on a base image against apko', () => {
  it('puts the base layers first and one new layer on top, with the same diff_ids', (ctx) => {
    needTool(prerequisite, ctx);
    for (const img of apkoLayout.images) {
      const base = baseLayout.images.find((b) => b.platform === img.platform)!;
      expect(img.layers.map((l) => l.diffId).slice(0, -1)).toEqual(base.layers.map((l) => l.diffId));
      expect(img.layers).toHaveLength(base.layers.length + 1);
    }
    expect(unexpected(diffs.filter((d) => d.category === 'layers'))).toEqual([]);
  });

  it('writes the same installed database (base packages first), world and /etc files', (ctx) => {
    needTool(prerequisite, ctx);
    const top = apkoLayout.images[0]!.layers.at(-1)!;
    const installed = top.entries.find((e) => e.name === 'usr/lib/apk/db/installed')!.data.toString('utf8');
    expect(installed.indexOf('P:foo\n')).toBeLessThan(installed.indexOf('P:bar\n'));
    expect(top.entries.some((e) => e.name === 'usr/bin/foo')).toBe(false);
    expect(unexpected(diffs.filter((d) => d.category === 'files'))).toEqual([]);
  });

  it('writes the same image config and manifests (the base Entrypoint and WorkingDir kept, its Env replaced)', (ctx) => {
    needTool(prerequisite, ctx);
    const config = apkoLayout.images[0]!.config as { config: { Entrypoint: string[]; Env: string[] }; history: unknown[] };
    expect(config.config.Entrypoint).toEqual(['/usr/bin/foo', '--base']);
    expect(config.config.Env.some((e) => e.startsWith('FROM_BASE='))).toBe(false);
    expect(config.history).toHaveLength(2);
    expect(unexpected(diffs.filter((d) => d.category === 'config' || d.category === 'index'))).toEqual([]);
  });

  it('writes the same lock file, without the base image packages', (ctx) => {
    needTool(prerequisite, ctx);
    expect(unexpected(diffs.filter((d) => d.category === 'lock'))).toEqual([]);
  });

  it('differs only as every case does', (ctx) => {
    needTool(prerequisite, ctx);
    expect(classify(diffs).known).toEqual(expectedKnown([]));
  });

  it('builds the same image without a lock file', (ctx) => {
    needTool(prerequisite, ctx);
    expect(unexpected(unlockedDiffs)).toEqual([]);
  });

  it('lists the same packages with show-packages, base packages included, in the same order', (ctx) => {
    needTool(prerequisite, ctx);
    expect(packageDiffs.map(formatDifference)).toEqual([]);
  });
});
