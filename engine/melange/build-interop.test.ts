import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../e2e/support/env';
import { splitMembers } from '../apk/gzip-members';
import { generateKeyPair, type KeyPair } from '../apk/keys';
import { readApkBytes } from '../apk/package-read';
import { APK_SHA1_PAX } from '../tar/types';
import { readElfFile } from './elf';
import { makeProject, pkginfoKeys, pkginfoText, melangeBuild } from './testdata/project';

const wolfi = fixture('packages', 'hello-wolfi-2.12.1-r0.x86_64.apk');

let key: KeyPair;
beforeAll(() => {
  key = generateKeyPair('melange', 2048);
});

/** The fixture's package, rebuilt: /usr/bin/env stands in for GNU hello's binary. */
const YAML = `package:
  name: hello-wolfi
  version: 2.12.1
  epoch: 0
  description: the GNU hello world program
  copyright:
    - license: GPL-3.0-or-later
pipeline:
  - runs: |
      mkdir -p \${{targets.destdir}}/usr/bin \${{targets.destdir}}/usr/share/info
      cp /usr/bin/env \${{targets.destdir}}/usr/bin/hello
      echo "hello info" > \${{targets.destdir}}/usr/share/info/hello.info
`;

describe.skipIf(!wolfi)('a package we build, next to one melange built (hello-wolfi fixture)', () => {
  async function ours(): Promise<Buffer> {
    const p = makeProject(YAML);
    const r = await melangeBuild({
      configPath: p.config,
      outDir: p.outDir,
      archs: 'x86_64',
      sourceDateEpoch: 12345678,
      signingKey: { privateKeyPem: key.privateKeyPem, keyName: 'melange.rsa.pub' },
      log: p.log,
    });
    return readFileSync(r.packages[0]!.path);
  }

  it('has the same three gzip streams: signature, control, data', async () => {
    const mine = await ours();
    const theirs = readFileSync(wolfi!);
    expect(splitMembers(mine)).toHaveLength(splitMembers(theirs).length);
    const [a, b] = [readApkBytes(mine), readApkBytes(theirs)];
    expect(a.signatures[0]!.keyName).toBe(b.signatures[0]!.keyName);
    expect(Object.keys(a.spans).sort()).toEqual(Object.keys(b.spans).sort());
  });

  it('writes .PKGINFO keys in the order melange does', async () => {
    const mine = pkginfoKeys(pkginfoText(await ours()));
    const theirs = pkginfoKeys(pkginfoText(wolfi!));
    const shared = theirs.filter((k) => mine.includes(k));
    expect(shared).toEqual(['pkgname', 'pkgver', 'arch', 'size', 'origin', 'pkgdesc', 'url', 'commit', 'builddate', 'license', 'depend', 'depend', 'provides', 'datahash']);
    expect(mine.filter((k) => shared.includes(k))).toEqual(shared);
  });

  it('lays out data entries as melange does: parents first, root-owned, the epoch as mtime, SHA-1 PAX records on files', async () => {
    const a = readApkBytes(await ours());
    const b = readApkBytes(readFileSync(wolfi!));
    for (const pkg of [a, b]) {
      const names = pkg.dataEntries.map((e) => e.name);
      for (const n of names) if (n.includes('/')) expect(names.indexOf(n.slice(0, n.lastIndexOf('/')))).toBeLessThan(names.indexOf(n));
      for (const e of pkg.dataEntries) {
        expect([e.uid, e.gid, e.uname, e.gname, e.mtime]).toEqual([0, 0, 'root', 'root', pkg.pkginfo.builddate]);
        if (e.type === 'file') expect(e.pax[APK_SHA1_PAX]).toMatch(/^[0-9a-f]{40}$/);
      }
      expect(pkg.dataEntries.some((e) => e.name === 'var/lib/db/sbom/hello-wolfi-2.12.1-r0.spdx.json')).toBe(true);
    }
  });

  it.skipIf(readElfFile('/usr/bin/env')?.interpreter !== '/lib64/ld-linux-x86-64.so.2')('computes the same automatic dependencies for the same kind of binary', async () => {
    const a = readApkBytes(await ours()).pkginfo;
    const b = readApkBytes(readFileSync(wolfi!)).pkginfo;
    expect(a.depend).toEqual(b.depend);
    expect(a.provides).toEqual(b.provides);
  });
});
