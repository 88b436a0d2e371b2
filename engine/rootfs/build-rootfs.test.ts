import { describe, expect, it } from 'vitest';
import { readTar } from '../tar/read';
import { buildRootfs } from './build-rootfs';
import type { RootfsInput } from './options';
import { APKO_JSON, GOLDEN_INSTALLED_HEAD, pretendBaselayout, replayout } from './testdata/golden-packages';
import { fromTarListing, listTree } from './testdata/listing';
import { dir, file, makePackage } from './testdata/make-package';

/** apko's golden amd64 layer listing (apko's amd64 golden image, `pkg/build/testdata`), one deliberate difference noted below. */
const GOLDEN_LISTING = `
drwxr-xr-x 0/0      0 1970-01-01 00:00 dev
crw--w---- 0/0    5,1 1970-01-01 00:00 dev/console
crw-rw-rw- 0/0    1,3 1970-01-01 00:00 dev/null
crw-rw-rw- 0/0    1,8 1970-01-01 00:00 dev/random
crw-rw-rw- 0/0    1,9 1970-01-01 00:00 dev/urandom
crw-rw-rw- 0/0    1,5 1970-01-01 00:00 dev/zero
drwxr-xr-x 0/0      0 1970-01-01 00:00 etc
drwxr-xr-x 0/0      0 1970-01-01 00:00 etc/apk
-rw-r--r-- 0/0      7 1970-01-01 00:00 etc/apk/arch
drwxr-xr-x 0/0      0 1970-01-01 00:00 etc/apk/keys
-rw-r--r-- 0/0    800 1970-01-01 00:00 etc/apk/keys/melange.rsa.pub
-rw-r--r-- 0/0     20 1970-01-01 00:00 etc/apk/repositories
-rw-r--r-- 0/0     47 1970-01-01 00:00 etc/apk/world
-r--r--r-- 0/0    329 1970-01-01 00:00 etc/apko.json
-rw-r--r-- 501/20 102 1970-01-01 00:00 etc/os-release
-rw-r--r-- 0/0      0 1970-01-01 00:00 etc/passwd
drwxr-xr-x 0/0      0 1970-01-01 00:00 lib
lrwxrwxrwx 0/0      0 1970-01-01 00:00 lib/apk -> ../usr/lib/apk
drwxr-xr-x 0/0      0 1970-01-01 00:00 opt
dr-xr-xr-x 0/0      0 1970-01-01 00:00 proc
drwxrwxrwt 0/0      0 1970-01-01 00:00 tmp
drwxr-xr-x 0/0      0 1970-01-01 00:00 usr
drwxr-xr-x 0/0      0 1970-01-01 00:00 usr/lib
drwxr-xr-x 0/0      0 1970-01-01 00:00 usr/lib/apk
drwxr-xr-x 0/0      0 1970-01-01 00:00 usr/lib/apk/db
-rw-r--r-- 0/0    756 1970-01-01 00:00 usr/lib/apk/db/installed
-rw------- 0/0      0 1970-01-01 00:00 usr/lib/apk/db/lock
-rw-r--r-- 0/0   1024 1970-01-01 00:00 usr/lib/apk/db/scripts.tar
-rw-r--r-- 0/0      0 1970-01-01 00:00 usr/lib/apk/db/triggers
drwxr-xr-x 0/0      0 1970-01-01 00:00 usr/lib/apk/exec
drwxr-xr-x 0/0      0 1970-01-01 00:00 var
drwxr-xr-x 0/0      0 1970-01-01 00:00 var/cache
drwxr-xr-x 0/0      0 1970-01-01 00:00 var/cache/apk
drwxr-xr-x 0/0      0 1970-01-01 00:00 var/cache/misc
drwxr-xr-x 0/0      0 1970-01-01 00:00 var/lib
drwxr-xr-x 0/0      0 1970-01-01 00:00 var/lib/db
drwxr-xr-x 0/0      0 1970-01-01 00:00 var/lib/db/sbom
-rw-r--r-- 0/0   2769 1970-01-01 00:00 var/lib/db/sbom/pretend-baselayout-1.0.0-r0.spdx.json
-rw-r--r-- 0/0   2679 1970-01-01 00:00 var/lib/db/sbom/replayout-1.0.0-r0.spdx.json
`;

function goldenInput(arch = 'x86_64'): RootfsInput {
  return {
    arch,
    packages: [pretendBaselayout(arch), replayout(arch)],
    world: ['replayout=1.0.0-r0', 'pretend-baselayout=1.0.0-r0'],
    repositories: ['./testdata/packages'],
    keys: new Map([['melange.rsa.pub', 'k'.repeat(800)]]),
    apkoJson: APKO_JSON,
    buildDate: 0,
  };
}

describe('buildRootfs', () => {
  it('lays out apko’s golden image, keeping the package’s 501:20 on etc/os-release where apko’s layer says 0:0', () => {
    const { tree } = buildRootfs(goldenInput());
    expect(listTree(tree)).toEqual(fromTarListing(GOLDEN_LISTING));
    expect(tree.entries().every(([, n]) => n.mtime === 0)).toBe(true);
  });

  it('writes the golden small files verbatim', () => {
    const { tree } = buildRootfs(goldenInput());
    const read = (p: string) => tree.readFile(p)?.toString();
    expect(read('etc/apk/arch')).toBe('x86_64\n');
    expect(read('etc/apk/repositories')).toBe('./testdata/packages\n');
    expect(read('etc/apk/world')).toBe('pretend-baselayout=1.0.0-r0\nreplayout=1.0.0-r0\n');
    expect(read('etc/apko.json')).toBe(APKO_JSON);
    expect(read('usr/lib/apk/db/installed')!.startsWith(GOLDEN_INSTALLED_HEAD)).toBe(true);
    expect(tree.readFile('usr/lib/apk/db/scripts.tar')).toEqual(Buffer.alloc(1024));
  });

  it('writes the arm64 variant with aarch64 in etc/apk/arch and a 758-byte database', () => {
    const { tree } = buildRootfs(goldenInput('aarch64'));
    expect(tree.readFile('etc/apk/arch')?.toString()).toBe('aarch64\n');
    expect(tree.readFile('usr/lib/apk/db/installed')?.length).toBe(758);
  });

  it('reports the installed packages, their origins, os-release and the missing /etc/group', () => {
    const result = buildRootfs(goldenInput());
    expect(result.installed.map((p) => p.pkginfo.pkgname)).toEqual(['pretend-baselayout', 'replayout']);
    expect([...result.origins]).toEqual([['pretend-baselayout', 'pretend-baselayout'], ['replayout', 'replayout']]);
    expect(result.osRelease?.ID).toBe('replaces');
    expect(result.user).toBeUndefined();
    expect(result.warnings).toEqual(['/etc/group is missing from the image; programs that look it up may misbehave']);
  });

  it('resolves run-as to a uid and hands it to the apko.json writer', () => {
    const seen: Array<string | undefined> = [];
    const result = buildRootfs({
      ...goldenInput(),
      accounts: { users: [{ username: 'nonroot', uid: 65532 }], groups: [{ groupname: 'nonroot', gid: 65532, members: [] }], runAs: 'nonroot' },
      apkoJson: ({ user }) => {
        seen.push(user);
        return `{"run-as":"${user}"}\n`;
      },
    });
    expect(result.user).toBe('65532');
    expect(seen).toEqual(['65532']);
    expect(result.tree.get('etc/apko.json')).toMatchObject({ mode: 0o444, data: Buffer.from('{"run-as":"65532"}\n') });
    expect(result.tree.get('home/nonroot')).toMatchObject({ mode: 0o700, uid: 65532, gid: 65532 });
  });

  it('records scripts, triggers and the database of packages with scripts', () => {
    const pkg = makePackage({
      name: 'man-db',
      version: '2.12-r0',
      checksum: 'Q1mandbmandbmandbmandbmandbma=',
      triggers: ['/usr/share/man'],
      control: [{ name: '.post-install', type: 'file', data: '#!/bin/sh\n', mode: 0o755 }],
      entries: [dir('usr'), dir('usr/bin'), file('usr/bin/man', 'man', { mode: 0o755 })],
    });
    const { tree } = buildRootfs({ ...goldenInput(), packages: [pkg], world: ['man-db=2.12-r0'], buildDate: 1700000000 });
    const scripts = readTar(tree.readFile('usr/lib/apk/db/scripts.tar')!);
    expect(scripts.map((e) => [e.name, e.mtime])).toEqual([['man-db-2.12-r0.Q1mandbmandbmandbmandbmandbma=.post-install', 1700000000]]);
    expect(tree.readFile('usr/lib/apk/db/triggers')?.toString()).toBe('Q1mandbmandbmandbmandbmandbma= /usr/share/man\n');
    expect(tree.readFile('lib/apk/db/installed')?.toString()).toContain('F:usr/bin\nR:man\na:0:0:0755\n');
  });

  it('applies path mutations after accounts and apko.json, and runtime keys after the install', () => {
    const result = buildRootfs({
      ...goldenInput(),
      paths: [{ path: '/etc/apko.json', type: 'permissions', permissions: 0o400 }],
      runtimeKeyring: [],
    });
    expect(result.tree.get('etc/apko.json')?.mode).toBe(0o400);
  });

  it('installs a package listed twice only once and says so', () => {
    const result = buildRootfs({ ...goldenInput(), packages: [pretendBaselayout(), pretendBaselayout()] });
    expect(result.installed).toHaveLength(1);
    expect(result.warnings[0]).toBe('pretend-baselayout appears twice in the package list; only the first (1.0.0-r0) was installed');
  });
});
