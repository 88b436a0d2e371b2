import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { formatIndexText } from '../../engine/apk/index-text';
import type { IndexEntry } from '../../engine/apk/types';
import { readTar } from '../../engine/tar/read';
import { forgeIndex, forgeTar, gzip, indexEntryFor, rawEntryBytes, type ForgeApkInput, type ForgedApk, type RepoPackage } from './support/forge';
import { hostile, layoutDigest, Sandbox } from './support/sandbox';

/**
 * Package and index integrity: what vouches for each byte of a package (the
 * signed index's C: for the control section, its datahash for the data),
 * that a package is the one its index names, and that every way a package
 * can be cut short, padded or malformed is refused with what to do.
 */
describe('hostile: package and index integrity', () => {
  let sb: Sandbox;
  let scratch: string;
  beforeAll(async () => {
    sb = await Sandbox.create();
    scratch = mkdtempSync(join(tmpdir(), 'hostile-integrity-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** `build <config> hostile:1 <out>` without blocking the test worker (a sync run of a loaded machine can outlast its RPC timeout). */
  const build = (config: string, extra: readonly string[] = []) => sb.runAsync(['build', config, 'hostile:1', sb.out, ...extra]);

  const EVIL_FILE = { name: 'usr/bin/evil', mode: 0o755, data: '#!/bin/sh\necho evil\n' };
  const evil = (over: Partial<ForgeApkInput> = {}): ForgedApk => sb.apk({ name: 'evil', entries: [EVIL_FILE], ...over });

  /** A repository `<name>` serving `packages`, and a config installing `install` from it; returns the config's name. */
  function caseWith(name: string, packages: readonly RepoPackage[], opts: { install?: string[]; rawIndex?: Buffer } = {}): string {
    const repo = sb.repository(name, packages, opts.rawIndex ? { rawIndex: opts.rawIndex } : {});
    sb.write(`${name}.yaml`, sb.config({ repositories: [repo], packages: opts.install ?? ['evil'] }));
    return `${name}.yaml`;
  }

  /** Where a case's package is served from, as messages name it. */
  const served = (name: string, file = 'evil-1.0.0-r0.apk') => join(sb.dir, name, 'x86_64', file);

  /** A fresh output directory outside the sandbox, for cases that must succeed. */
  const freshOut = (name: string) => join(scratch, name, 'out') + '/';

  /** The paths in an image's single layer. */
  function layerPaths(layout: string): string[] {
    const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const blob = (d: string) => readFileSync(join(layout, 'blobs', 'sha256', d.replace(/^sha256:/, '')));
    const top = JSON.parse(blob(index.manifests[0]!.digest).toString()) as { manifests?: { digest: string }[]; layers?: { digest: string }[] };
    const manifest = top.manifests ? (JSON.parse(blob(top.manifests[0]!.digest).toString()) as { layers: { digest: string }[] }) : (top as { layers: { digest: string }[] });
    return manifest.layers.flatMap((l) => readTar(gunzipSync(blob(l.digest))).map((e) => e.name));
  }

  // --- what vouches for the data ---

  hostile('integrity/no-datahash-data-swapped', 'a package without datahash whose data section was swapped is refused: nothing vouches for its data', async () => {
    const swapped = gzip(forgeTar([{ name: 'usr/bin/evil', mode: 0o755, data: '#!/bin/sh\nrm -rf /\n' }]));
    const config = caseWith('no-datahash', [{ apk: evil({ datahash: 'omit', dataMember: swapped }) }]);
    await sb.refuses(() => build(config), { names: ['evil-1.0.0-r0', served('no-datahash'), 'datahash', '--allow-unverified-data'] });
  });

  hostile('integrity/no-datahash-opt-out-warns', '--allow-unverified-data installs a package without datahash and names it in a warning', async () => {
    const config = caseWith('opt-out', [{ apk: evil({ datahash: 'omit' }) }]);
    const out = freshOut('opt-out');
    const r = await sb.runAsync(['build', config, 'hostile:1', out, '--allow-unverified-data']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: evil-1\.0\.0-r0 \(.*opt-out\/x86_64\/evil-1\.0\.0-r0\.apk\): no datahash vouches for its data section/);
    expect(layerPaths(out)).toContain('usr/bin/evil');
  });

  hostile('integrity/datahash-wrong', 'a data section that does not hash to its datahash is refused, naming both digests', async () => {
    const config = caseWith('datahash-wrong', [{ apk: evil({ datahash: 'a'.repeat(64) }) }]);
    await sb.refuses(() => build(config), { names: ['evil-1.0.0-r0', served('datahash-wrong'), 'a'.repeat(64)] });
  });

  hostile('integrity/datahash-not-hex', 'a datahash that is not a hex sha256 is refused', async () => {
    const config = caseWith('datahash-not-hex', [{ apk: evil({ datahash: 'not-a-digest' }) }]);
    await sb.refuses(() => build(config), { names: ['evil-1.0.0-r0', '"not-a-digest"', 'not a hex sha256'] });
  });

  hostile('integrity/datahash-twice', 'a .PKGINFO with two datahash lines (one true, one false) is refused rather than resolved either way', async () => {
    const config = caseWith('datahash-twice', [{ apk: evil({ pkginfoLines: [`datahash = ${'b'.repeat(64)}`] }) }]);
    await sb.refuses(() => build(config), { names: [served('datahash-twice'), 'datahash twice'] });
  });

  hostile('integrity/control-checksum-mismatch', 'a control section that does not hash to the index C: is refused, naming both checksums', async () => {
    const apk = evil();
    const config = caseWith('control-mismatch', [{ apk, index: { checksum: 'Q1AAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' } }]);
    await sb.refuses(() => build(config), { names: [served('control-mismatch'), apk.checksum, 'Q1AAAAAAAAAAAAAAAAAAAAAAAAAAAAA='] });
  });

  hostile('integrity/trailing-garbage', 'bytes appended after the data section are refused', async () => {
    const apk = evil();
    const config = caseWith('trailing', [{ apk: { ...apk, bytes: Buffer.concat([apk.bytes, Buffer.from('appended bytes')]) } }]);
    await sb.refuses(() => build(config), { names: ['evil-1.0.0-r0', served('trailing')] });
  });

  hostile('integrity/trailing-garbage-unverified', 'bytes after the data section are refused even when the user allows unverified data', async () => {
    const apk = evil({ datahash: 'omit' });
    const config = caseWith('trailing-unverified', [{ apk: { ...apk, bytes: Buffer.concat([apk.bytes, Buffer.from('appended bytes')]) } }]);
    await sb.refuses(() => build(config, ['--allow-unverified-data']), { names: ['evil-1.0.0-r0', served('trailing-unverified'), '14 unexpected bytes follow the data section'] });
  });

  // --- a package is the one its index names ---

  hostile('integrity/index-name-differs', "an index entry whose name is not the package's own is refused, naming both names and the file", async () => {
    const apk = sb.apk({ name: 'other', entries: [EVIL_FILE] });
    const config = caseWith('name-differs', [{ apk, fileName: 'evil-1.0.0-r0.apk', index: { name: 'evil' } }]);
    await sb.refuses(() => build(config), { names: [served('name-differs'), 'the index says name "evil"', 'its .PKGINFO says "other"'] });
  });

  hostile('integrity/index-version-differs', "an index entry whose version is not the package's own is refused, naming both versions", async () => {
    const apk = evil({ version: '0.1.0-r0' });
    const config = caseWith('version-differs', [{ apk, fileName: 'evil-1.0.0-r0.apk', index: { version: '1.0.0-r0' } }]);
    await sb.refuses(() => build(config), { names: [served('version-differs'), 'the index says version "1.0.0-r0"', 'its .PKGINFO says "0.1.0-r0"'] });
  });

  hostile('integrity/served-under-another-name', "a file that holds another package than its name says (the index's honest checksum for the named one) is refused", async () => {
    const named = evil();
    const other = sb.apk({ name: 'other', version: '2.0.0-r0', entries: [EVIL_FILE] });
    const config = caseWith('another-name', [{ apk: named, unindexed: false }]);
    // The file the index names now holds the other package.
    sb.write(`another-name/x86_64/evil-1.0.0-r0.apk`, other.bytes);
    await sb.refuses(() => build(config), { names: [served('another-name'), named.checksum, other.checksum] });
  });

  hostile('integrity/index-arch-differs', "an index entry whose arch is not the package's own is refused, naming both", async () => {
    const apk = evil({ arch: 'aarch64' });
    const config = caseWith('arch-differs', [{ apk, index: { arch: 'x86_64' } }]);
    await sb.refuses(() => build(config), { names: [served('arch-differs'), 'the index says arch "x86_64"', 'its .PKGINFO says "aarch64"'] });
  });

  /**
   * A locked build whose package file was replaced by `replacement`, with the
   * lock's checksums made to match it: only the package's own identity is left to disagree.
   */
  async function lockedCase(name: string, replacement: ForgedApk): Promise<string[]> {
    const config = caseWith(name, [{ apk: evil() }]);
    const lockFile = `${name}.lock.json`;
    const locked = await sb.runAsync(['lock', config, '--output', lockFile]);
    expect(locked.code, locked.stderr).toBe(0);
    const lock = JSON.parse(readFileSync(join(sb.dir, lockFile), 'utf8')) as { contents: { packages: Array<{ name: string; checksum: string; data: { checksum: string } }> } };
    const entry = lock.contents.packages.find((p) => p.name === 'evil')!;
    entry.checksum = replacement.checksum;
    entry.data.checksum = `sha256-${createHash('sha256').update(replacement.data).digest('base64')}`;
    sb.write(lockFile, JSON.stringify(lock, null, 2));
    sb.write(`${name}/x86_64/evil-1.0.0-r0.apk`, replacement.bytes);
    return ['build', config, 'hostile:1', sb.out, '--lockfile', lockFile];
  }

  hostile('integrity/locked-package-for-another-arch', 'a locked build whose package file is an aarch64 build (checksums made to match) is refused, naming both arches', async () => {
    const args = await lockedCase('lock-arch', evil({ arch: 'aarch64' }));
    await sb.refuses(() => sb.runAsync(args), { names: [served('lock-arch'), 'the lock file says arch "x86_64"', 'its .PKGINFO says "aarch64"', 'the build is for x86_64'] });
  });

  hostile('integrity/locked-package-another-name', 'a locked build whose package file holds another package (checksums made to match) is refused, naming both names', async () => {
    const args = await lockedCase('lock-name', sb.apk({ name: 'other', entries: [EVIL_FILE] }));
    await sb.refuses(() => sb.runAsync(args), { names: [served('lock-name'), 'the lock file says name "evil"', 'its .PKGINFO says "other"'] });
  });

  hostile('integrity/locked-data-swapped', "a locked package without datahash whose data was swapped after locking is refused by the lock file's data digest", async () => {
    const apk = evil({ datahash: 'omit' });
    const config = caseWith('lock-swap', [{ apk }]);
    const locked = await sb.runAsync(['lock', config, '--output', 'lock-swap.lock.json', '--allow-unverified-data']);
    expect(locked.code, locked.stderr).toBe(0);
    expect(locked.stderr, 'locking it names the unverified package').toContain('no datahash vouches for its data section');
    // Same control section (so the same C:), other data.
    const swapped = gzip(forgeTar([{ name: 'usr/bin/evil', mode: 0o755, data: '#!/bin/sh\nrm -rf /\n' }]));
    sb.write('lock-swap/x86_64/evil-1.0.0-r0.apk', Buffer.concat([apk.bytes.subarray(0, apk.bytes.length - apk.data.length), swapped]));
    await sb.refuses(() => sb.runAsync(['build', config, 'hostile:1', sb.out, '--lockfile', 'lock-swap.lock.json']), {
      names: ['evil-1.0.0-r0: the data section does not match the lock file', 'apko-nx lock'],
    });
  });

  // --- cut short ---

  /** The package's members, each as its raw bytes. */
  const members = (apk: ForgedApk) => {
    const sig = apk.bytes.subarray(0, apk.bytes.length - apk.control.length - apk.data.length);
    return { sig, control: apk.control, data: apk.data };
  };

  hostile('integrity/truncated-signature-member', 'a package whose signature member is cut short is refused with a hint', async () => {
    const apk = evil();
    const { sig } = members(apk);
    const config = caseWith('cut-signature', [{ apk: { ...apk, bytes: sig.subarray(0, sig.length - 40) } }]);
    await sb.refuses(() => build(config), { names: ['evil-1.0.0-r0', served('cut-signature')] });
  });

  hostile('integrity/truncated-control-member', 'a package whose control member is cut short is refused with a hint', async () => {
    const apk = evil();
    const { sig, control } = members(apk);
    const config = caseWith('cut-control', [{ apk: { ...apk, bytes: Buffer.concat([sig, control.subarray(0, control.length - 12)]) } }]);
    await sb.refuses(() => build(config), { names: ['evil-1.0.0-r0', served('cut-control')] });
  });

  hostile('integrity/truncated-data-member', 'a data member cut short (its datahash taken over the cut bytes) is refused as a corrupt gzip member, with a hint', async () => {
    const whole = gzip(forgeTar([EVIL_FILE]));
    const config = caseWith('cut-data', [{ apk: evil({ dataMember: whole.subarray(0, whole.length - 20) }) }]);
    await sb.refuses(() => build(config), { names: ['evil-1.0.0-r0', served('cut-data'), /gzip member/] });
  });

  hostile('integrity/truncated-file', 'a package file cut short inside its data member is refused by its datahash', async () => {
    const apk = evil();
    const config = caseWith('cut-file', [{ apk: { ...apk, bytes: apk.bytes.subarray(0, apk.bytes.length - 30) } }]);
    await sb.refuses(() => build(config), { names: ['evil-1.0.0-r0', served('cut-file'), 'datahash'] });
  });

  hostile('integrity/data-crc-wrong', 'a data member whose gzip CRC is wrong (datahash over the bad bytes) is refused', async () => {
    const whole = Buffer.from(gzip(forgeTar([EVIL_FILE])));
    whole.writeUInt32LE((whole.readUInt32LE(whole.length - 8) ^ 1) >>> 0, whole.length - 8);
    const config = caseWith('bad-crc', [{ apk: evil({ dataMember: whole }) }]);
    await sb.refuses(() => build(config), { names: ['evil-1.0.0-r0', served('bad-crc'), 'CRC'] });
  });

  hostile('integrity/empty-file', 'an empty package file is refused', async () => {
    const apk = evil();
    const config = caseWith('empty', [{ apk: { ...apk, bytes: Buffer.alloc(0) } }]);
    await sb.refuses(() => build(config), { names: ['evil-1.0.0-r0', served('empty')] });
  });

  hostile('integrity/not-gzip', 'a package file that is not gzip at all (an HTML error page) is refused', async () => {
    const apk = evil();
    const config = caseWith('html', [{ apk: { ...apk, bytes: Buffer.from('<html><body>404 Not Found</body></html>\n') } }]);
    await sb.refuses(() => build(config), { names: ['evil-1.0.0-r0', served('html'), 'no gzip member'] });
  });

  // --- tar and .PKGINFO inside the members ---

  hostile('integrity/tar-declared-size-huge', 'a data tar header that declares 8 GiB for a 20-byte file is refused, not read past its end', async () => {
    const data = gzip(forgeTar([{ ...EVIL_FILE, declaredSize: 8 * 1024 ** 3 - 1 }]));
    const config = caseWith('huge-declared', [{ apk: evil({ dataMember: data }) }]);
    await sb.refuses(() => build(config), { names: ['evil-1.0.0-r0', served('huge-declared'), 'truncated'] });
  });

  hostile('integrity/tar-header-checksum', 'a data tar header whose checksum is wrong is refused', async () => {
    const tar = forgeTar([EVIL_FILE]);
    tar[0] = 'x'.charCodeAt(0);
    const config = caseWith('tar-checksum', [{ apk: evil({ dataMember: gzip(tar) }) }]);
    await sb.refuses(() => build(config), { names: ['evil-1.0.0-r0', served('tar-checksum'), 'checksum mismatch'] });
  });

  hostile('integrity/pkginfo-twice', 'a control section holding .PKGINFO twice (which is the package?) is refused', async () => {
    const second = { name: '.PKGINFO', data: 'pkgname = other\npkgver = 9.9.9-r0\narch = x86_64\n', noSha1: true };
    const config = caseWith('pkginfo-twice', [{ apk: evil({ controlEntries: [second] }) }]);
    await sb.refuses(() => build(config), { names: [served('pkginfo-twice'), '2 .PKGINFO entries'] });
  });

  hostile('integrity/pkginfo-no-pkgname', 'a .PKGINFO without pkgname is refused', async () => {
    const config = caseWith('no-pkgname', [{ apk: evil({ pkginfoText: 'pkgver = 1.0.0-r0\narch = x86_64\n' }) }]);
    await sb.refuses(() => build(config), { names: [served('no-pkgname'), 'no pkgname'] });
  });

  hostile('integrity/pkginfo-no-pkgver', 'a .PKGINFO without pkgver is refused', async () => {
    const config = caseWith('no-pkgver', [{ apk: evil({ pkginfoText: 'pkgname = evil\narch = x86_64\n' }) }]);
    await sb.refuses(() => build(config), { names: [served('no-pkgver'), 'no pkgver'] });
  });

  hostile('integrity/pkginfo-garbage-line', 'a .PKGINFO line that is not key = value is refused, shown escaped', async () => {
    const config = caseWith('garbage-line', [{ apk: evil({ pkginfoLines: ['\u001b[2J\u001b[Hall is well'] }) }]);
    const r = await sb.refuses(() => build(config), { names: [served('garbage-line'), 'is not "key = value"', '\\u001b[2J'] });
    expect(r.stderr, 'a terminal escape from a package never reaches the terminal').not.toContain('\u001b[2J');
  });

  hostile('integrity/pkginfo-pkgname-twice', 'a .PKGINFO naming the package twice is refused', async () => {
    const config = caseWith('pkgname-twice', [{ apk: evil({ pkginfoLines: ['pkgname = busybox'] }) }]);
    await sb.refuses(() => build(config), { names: [served('pkgname-twice'), 'pkgname twice'] });
  });

  hostile('integrity/pkginfo-size-not-a-number', 'a .PKGINFO whose size is not an integer is refused', async () => {
    const config = caseWith('bad-size', [{ apk: evil({ pkginfoText: 'pkgname = evil\npkgver = 1.0.0-r0\narch = x86_64\nsize = 12k\n' }) }]);
    await sb.refuses(() => build(config), { names: [served('bad-size'), 'size must be an integer'] });
  });

  hostile('integrity/control-without-pkginfo', 'a control section without .PKGINFO is refused', async () => {
    const apk = evil();
    const control = gzip(forgeTar([{ name: '.post-install', data: '#!/bin/sh\n', noSha1: true }], { end: false }));
    const config = caseWith('no-pkginfo', [{ apk: { ...apk, bytes: Buffer.concat([control, apk.data]), checksum: `Q1${createHash('sha1').update(control).digest('base64')}` } }]);
    await sb.refuses(() => build(config), { names: [served('no-pkginfo'), 'no .PKGINFO'] });
  });

  // --- the index ---

  hostile('integrity/index-same-package-two-checksums', 'an index listing one package twice with different checksums is refused, naming both', async () => {
    const apk = evil();
    const honest = indexEntryFor(apk);
    const twin: IndexEntry = { ...honest, checksum: 'Q1BBBBBBBBBBBBBBBBBBBBBBBBBBBBB=' };
    // The engine's writer refuses to list a package twice, so the index text is written by hand.
    const member = gzip(forgeTar([{ name: 'APKINDEX', data: formatIndexText([honest, twin]) }]));
    const signed = forgeIndex([], { sign: sb.ws.key, signOver: member });
    const config = caseWith('index-twice', [{ apk }], { rawIndex: Buffer.concat([signed.signature!, member]) });
    await sb.refuses(() => build(config), { names: ['index-twice/x86_64/APKINDEX.tar.gz', 'evil-1.0.0-r0 twice', apk.checksum, 'Q1BBBBBBBBBBBBBBBBBBBBBBBBBBBBB='] });
  });

  hostile('integrity/index-tar-truncated', 'an index whose tar entry declares more bytes than the member holds is refused with a hint', async () => {
    const apk = evil();
    const member = gzip(rawEntryBytes({ name: 'APKINDEX', data: formatIndexText([indexEntryFor(apk)]), declaredSize: 1024 * 1024 }));
    const signed = forgeIndex([], { sign: sb.ws.key, signOver: member });
    const config = caseWith('index-cut', [{ apk }], { rawIndex: Buffer.concat([signed.signature!, member]) });
    await sb.refuses(() => build(config), { names: ['index-cut/x86_64/APKINDEX.tar.gz', 'truncated'] });
  });

  hostile(
    'integrity/index-100k-entries-works',
    'an index of 100,000 entries loads and resolves: the build succeeds, installs the one package asked for, and stays quick',
    async () => {
      const apk = evil();
      const filler: IndexEntry[] = Array.from({ length: 100_000 }, (_, i) => ({
        ...indexEntryFor(apk),
        name: `filler-${i.toString().padStart(6, '0')}`,
        version: `${i % 7}.${i % 13}.0-r${i % 3}`,
        depends: i % 2 === 0 ? [`filler-${((i + 1) % 100_000).toString().padStart(6, '0')}`] : [],
        provides: i % 5 === 0 ? [`so:libfiller${i}.so.1=1`] : [],
        checksum: `Q1${Buffer.alloc(20, i % 251).toString('base64')}`,
      }));
      const repo = sb.repository('big-index', [{ apk }]);
      // Rewrite the index with the filler next to the one real package.
      const index = forgeIndex([indexEntryFor(apk), ...filler], { sign: sb.ws.key });
      sb.write('big-index/x86_64/APKINDEX.tar.gz', index.bytes);
      sb.write('big-index.yaml', sb.config({ repositories: [repo], packages: ['evil'] }));
      const out = freshOut('big-index');
      const started = Date.now();
      const r = await sb.runAsync(['build', 'big-index.yaml', 'hostile:1', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(Date.now() - started, 'an index of 100,000 entries builds within 60 s').toBeLessThan(60_000);
      expect(layerPaths(out)).toContain('usr/bin/evil');
      expect(layoutDigest(out)).toMatch(/^sha256:/);
      const listed = await sb.runAsync(['show-packages', 'big-index.yaml']);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toContain('evil');
      expect(listed.stdout).not.toContain('filler-');
    },
    180_000,
  );
});
