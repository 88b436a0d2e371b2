import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { contentCase, imageFiles, installedDb, layoutLayers, type ContentPackage } from './support/content-image';
import { hostile, Sandbox } from './support/sandbox';

/**
 * Package content that is hostile-looking but legitimate, or that aims at
 * the host and must land inside the image instead: the build succeeds and
 * the image, read back from its layers, holds exactly what the packages
 * asked for, inside the image root, with mode bits and attributes kept;
 * setuid, setgid and capability files are reported after the build.
 */
describe('hostile: package content kept', () => {
  let sb: Sandbox;
  let n = 0;
  beforeAll(async () => {
    sb = await Sandbox.create();
  }, 120_000);

  /** Builds the case into a fresh layout; returns the run and the layout path. */
  async function build(name: string, packages: ContentPackage[], extra = '') {
    const config = contentCase(sb, name, packages);
    if (extra) sb.write(config, `${sb.config({ repositories: [join(sb.dir, name)], packages: packages.map((p) => p.name) })}${extra}\n`);
    const out = join(sb.dir, `built-${n++}`);
    const r = await sb.runAsync(['build', config, 'hostile:kept', `${out}/`]);
    expect(r.code, `the build succeeds; stderr:\n${r.stderr}`).toBe(0);
    expect(existsSync(sb.canary), 'nothing is written outside the sandbox').toBe(false);
    return { r, out, files: imageFiles(out) };
  }

  /** No layer entry may name a path outside the image root. */
  function expectInsideRoot(out: string): void {
    for (const layer of layoutLayers(out)) for (const e of layer) expect(e.name, 'a layer entry inside the root').not.toMatch(/^\/|(^|\/)\.\.(\/|$)/);
  }

  hostile('content/setuid-kept-and-reported', 'a setuid file is installed with its mode bits and listed in the build report', async () => {
    const { r, files } = await build('setuid', [{ name: 'suid', entries: [{ name: 'usr/bin/su', mode: 0o4755, data: '#!/bin/sh\n' }] }]);
    expect(files.get('usr/bin/su')?.mode).toBe(0o4755);
    expect(r.stderr).toContain('x86_64: setuid/setgid files: usr/bin/su (suid-1.0.0-r0)');
  });

  hostile('content/setgid-kept-and-reported', 'a setgid file is installed with its mode bits and listed in the build report', async () => {
    const { r, files } = await build('setgid', [{ name: 'sgid', entries: [{ name: 'usr/bin/wall', mode: 0o2755, gid: 5, data: 'x' }] }]);
    expect(files.get('usr/bin/wall')).toMatchObject({ mode: 0o2755, gid: 5 });
    expect(r.stderr).toContain('x86_64: setuid/setgid files: usr/bin/wall (sgid-1.0.0-r0)');
  });

  hostile('content/capability-kept-byte-exact-and-reported', 'a file capability (binary security.capability xattr) reaches the layer byte for byte and is listed in the build report', async () => {
    // VFS_CAP_REVISION_2 with CAP_SETUID (bit 7) permitted: the 0x80 byte is not UTF-8 on its own.
    const cap = Buffer.from([1, 0, 0, 2, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).toString('latin1');
    const { r, files } = await build('caps', [{ name: 'capped', entries: [{ name: 'usr/bin/ping', mode: 0o755, data: 'x', pax: { 'SCHILY.xattr.security.capability': cap } }] }]);
    const ping = files.get('usr/bin/ping');
    expect(ping?.mode).toBe(0o755);
    expect(Buffer.from(ping?.pax['SCHILY.xattr.security.capability'] ?? '', 'latin1').toString('hex')).toBe(Buffer.from(cap, 'latin1').toString('hex'));
    expect(r.stderr).toContain('x86_64: files with capabilities: usr/bin/ping (capped-1.0.0-r0)');
  });

  hostile('content/privileged-report-on-cache-hit', 'a build served whole from the image store reports the same setuid files', async () => {
    const first = await build('suid-again', [{ name: 'suid2', entries: [{ name: 'usr/sbin/mount', mode: 0o4755, data: 'm' }] }]);
    const again = await sb.runAsync(['build', 'suid-again.yaml', 'hostile:kept', `${first.out}-again/`]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('reusing the stored image');
    expect(again.stderr).toContain('x86_64: setuid/setgid files: usr/sbin/mount (suid2-1.0.0-r0)');
  });

  hostile('content/no-report-without-privileged-files', 'a build without setuid, setgid or capability files prints no such line', async () => {
    const { r } = await build('plain', [{ name: 'plain', entries: [{ name: 'usr/bin/tool', mode: 0o755, data: 'x' }] }]);
    expect(r.stderr).not.toMatch(/setuid|capabilities/);
  });

  hostile('content/symlink-to-root-across-packages', "package A's etc/evil -> / and package B's etc/evil/tmp/x put tmp/x inside the image, never on the host", async () => {
    const { out, files } = await build('root-link', [
      { name: 'linker', entries: [{ name: 'etc/evil', type: 'symlink', linkname: '/' }] },
      { name: 'writer', depends: ['linker'], entries: [{ name: 'etc/evil/tmp/x', data: 'inside' }] },
    ]);
    expect(files.get('etc/evil')).toMatchObject({ type: 'symlink', linkname: '/' });
    expect(files.get('tmp/x')?.data.toString()).toBe('inside');
    expectInsideRoot(out);
  });

  hostile('content/symlink-dotdot-chain-across-packages', "a link of ../../../.. and a file written through it land at the image root, not above it", async () => {
    const { out, files } = await build('dotdot-link', [
      { name: 'linker2', entries: [{ name: 'usr/share/up', type: 'symlink', linkname: '../../../../../../../..' }] },
      { name: 'writer2', depends: ['linker2'], entries: [{ name: 'usr/share/up/srv/escaped', data: 'inside' }] },
    ]);
    expect(files.get('usr/share/up')).toMatchObject({ type: 'symlink', linkname: '../../../../../../../..' });
    expect(files.get('srv/escaped')?.data.toString()).toBe('inside');
    expectInsideRoot(out);
  });

  hostile('content/symlink-to-canary-within-one-package', 'a link to a host path and a file written through it in the same package stay inside the image', async () => {
    const { out, files } = await build('canary-link', [
      { name: 'aimer', entries: [{ name: 'etc/aim', type: 'symlink', linkname: sb.canary }, { name: 'etc/aim/planted', data: 'inside' }] },
    ]);
    expect(files.get('etc/aim')).toMatchObject({ type: 'symlink', linkname: sb.canary });
    expect(files.get(`${sb.canary.slice(1)}/planted`)?.data.toString()).toBe('inside');
    expectInsideRoot(out);
  });

  hostile('content/symlink-outside-kept-verbatim', 'a symlink pointing outside is kept as data, its target verbatim, with nothing created at the target', async () => {
    const target = `../../../../../../../..${sb.canary}`;
    const { files } = await build('dangling', [{ name: 'pointer', entries: [{ name: 'usr/lib/out', type: 'symlink', linkname: target }] }]);
    expect(files.get('usr/lib/out')).toMatchObject({ type: 'symlink', linkname: target });
    expect([...files.keys()].filter((k) => k.includes('hostile-canary'))).toEqual([]);
  });

  hostile('content/deep-nesting', 'a file 1500 directories deep (under PATH_MAX) is installed where it says', async () => {
    const deep = `${Array.from({ length: 1500 }, () => 'a').join('/')}/leaf`;
    const { files } = await build('deep', [{ name: 'deep', entries: [{ name: deep, data: 'bottom' }] }]);
    expect(files.get(deep)?.data.toString()).toBe('bottom');
    expect(files.get('a/a/a')?.type).toBe('dir');
  });

  hostile('content/large-valid-uid', 'a uid of 4000000000 (valid, beyond the octal header field) is kept exactly', async () => {
    const { files } = await build('big-uid', [{ name: 'bigid', entries: [{ name: 'srv/owned', data: 'x', pax: { uid: '4000000000', gid: '3999999999' } }] }]);
    expect(files.get('srv/owned')).toMatchObject({ uid: 4000000000, gid: 3999999999 });
  });

  hostile('content/hardlink-within-package', 'a hardlink to a file earlier in the same package is kept as a hardlink', async () => {
    const { files } = await build('hardlink', [{ name: 'linked', entries: [{ name: 'usr/bin/real', mode: 0o755, data: 'bin' }, { name: 'usr/bin/alias', type: 'hardlink', mode: 0o755, linkname: 'usr/bin/real' }] }]);
    expect(files.get('usr/bin/alias')).toMatchObject({ type: 'hardlink', linkname: 'usr/bin/real' });
    expect(files.get('usr/bin/real')?.data.toString()).toBe('bin');
  });

  hostile('content/utf8-and-space-names-kept-exactly', 'names with spaces and non-ASCII UTF-8 are kept byte for byte, and the database has one record per package', async () => {
    const names = ['usr/share/café/naïve file', 'usr/share/日本語', 'usr/share/a b'];
    // The database lists a file only under its directory's F: line, so the directories are entries too.
    const dirs = ['usr', 'usr/share', 'usr/share/café'].map((name) => ({ name, type: 'dir' }));
    const { files } = await build('unicode', [{ name: 'unicode', entries: [...dirs, ...names.map((name) => ({ name, data: name }))] }]);
    for (const name of names) expect(files.get(name)?.data.toString()).toBe(name);
    const db = installedDb(files);
    expect(db.match(/^P:/gm)).toEqual(['P:', 'P:']);
    expect(db).toContain('F:usr/share/café\nR:naïve file\n');
    expect(db).toContain('F:usr/share\nR:a b\n');
  });

  hostile('content/v1-hidden-leading-entries-skipped', 'leading hidden top-level entries (apk v1 compatibility) such as .wh.etc are skipped, never reaching a layer', async () => {
    const { out, files } = await build('v1', [{ name: 'legacy', entries: [{ name: '.wh.etc', data: '' }, { name: 'srv/data', data: 'x' }] }]);
    expect(files.get('srv/data')?.data.toString()).toBe('x');
    expect(files.get('etc/passwd')).toBeDefined();
    for (const layer of layoutLayers(out)) for (const e of layer) expect(e.name).not.toContain('.wh.');
  });

  hostile('content/symlink-across-packages-origin-layers', 'with one layer per origin, a file written through another package\'s symlink is in the container view and no layer whites anything out', async () => {
    const { out, files } = await build('origin-layers', [
      { name: 'linker3', entries: [{ name: 'etc/evil3', type: 'symlink', linkname: '/' }] },
      { name: 'writer3', depends: ['linker3'], entries: [{ name: 'etc/evil3/srv/y', data: 'inside' }] },
    ], 'layering:\n  strategy: origin\n  budget: 10');
    expect(layoutLayers(out).length).toBeGreaterThan(1);
    expect(files.get('srv/y')?.data.toString()).toBe('inside');
    expect(files.get('etc/passwd')).toBeDefined();
    for (const layer of layoutLayers(out)) for (const e of layer) expect(e.name).not.toContain('.wh.');
    expectInsideRoot(out);
  });
});
