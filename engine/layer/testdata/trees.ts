/**
 * Trees for layer and image tests. `goldenTree` mirrors the entries of apko's
 * golden amd64 layer (apko `pkg/build/testdata`): same paths, modes, sizes and devices.
 */
import { Tree } from '../../rootfs/tree';

const filler = (n: number) => Buffer.alloc(n, 0x61);

/** apko's golden single-layer image, entry for entry (contents of unquoted files are filler bytes). */
export function goldenTree(): Tree {
  const t = new Tree();
  for (const d of ['dev', 'etc/apk/keys', 'lib', 'opt', 'usr/lib/apk/db', 'usr/lib/apk/exec', 'var/cache/apk', 'var/cache/misc', 'var/lib/db/sbom']) {
    t.mkdirAll(d);
  }
  t.mkdirAll('proc', { mode: 0o555 });
  t.mkdirAll('tmp', { mode: 0o1777 });
  const devices: Array<[string, number, number, number]> = [
    ['dev/console', 5, 1, 0o620],
    ['dev/null', 1, 3, 0o666],
    ['dev/random', 1, 8, 0o666],
    ['dev/urandom', 1, 9, 0o666],
    ['dev/zero', 1, 5, 0o666],
  ];
  for (const [path, devmajor, devminor, mode] of devices) {
    t.set(path, { type: 'char', mode, uid: 0, gid: 0, mtime: 0, devmajor, devminor });
  }
  t.writeFile('etc/apk/arch', 'x86_64\n');
  t.writeFile('etc/apk/keys/melange.rsa.pub', filler(800));
  t.writeFile('etc/apk/repositories', './testdata/packages\n');
  t.writeFile('etc/apk/world', 'pretend-baselayout=1.0.0-r0\nreplayout=1.0.0-r0\n');
  t.writeFile('etc/apko.json', filler(329), { mode: 0o444 });
  t.writeFile(
    'etc/os-release',
    'ID=replaces\nNAME="Replaces"\nPRETTY_NAME="Replaces"\nVERSION_ID="1.0.0"\nHOME_URL="https://example.com/"\n',
    { owner: 'replayout' },
  );
  t.writeFile('etc/passwd', '');
  t.symlink('../usr/lib/apk', 'lib/apk');
  t.writeFile('usr/lib/apk/db/installed', filler(756));
  t.writeFile('usr/lib/apk/db/lock', '', { mode: 0o600 });
  t.writeFile('usr/lib/apk/db/scripts.tar', Buffer.alloc(1024));
  t.writeFile('usr/lib/apk/db/triggers', '');
  t.writeFile('var/lib/db/sbom/pretend-baselayout-1.0.0-r0.spdx.json', filler(2769), { owner: 'pretend-baselayout' });
  t.writeFile('var/lib/db/sbom/replayout-1.0.0-r0.spdx.json', filler(2679), { owner: 'replayout' });
  return t;
}

/** A small tree with package-owned files, non-root owners, a hardlink, xattrs and a long name. */
export function mixedTree(order: 'forward' | 'reverse' = 'forward'): Tree {
  const steps: Array<(t: Tree) => void> = [
    (t) => t.mkdirAll('usr/bin', { mtime: 1700000000, owner: 'busybox' }),
    (t) => t.mkdirAll('home/nonroot', { mode: 0o700, uid: 65532, gid: 65532 }),
    (t) => t.mkdirAll('usr/share/a-very-long-directory-name-that-goes-on/and-on-and-on-well-past-the-limit'),
    (t) => t.mkdirAll('etc'),
  ];
  const files: Array<(t: Tree) => void> = [
    (t) => t.writeFile('usr/bin/busybox', 'busybox binary', { mode: 0o4755, mtime: 1700000000, owner: 'busybox' }),
    (t) =>
      t.set('usr/bin/sh', { type: 'hardlink', mode: 0o755, uid: 0, gid: 0, mtime: 1700000000, linkTarget: 'usr/bin/busybox', owner: 'busybox' }),
    (t) => t.writeFile('home/nonroot/.profile', 'export X=1\n', { uid: 65532, gid: 65532, mtime: 5 }),
    (t) => t.writeFile('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532::/home/nonroot:/bin/sh\n'),
    (t) => t.writeFile('etc/group', 'root:x:0:\nnonroot:x:65532:\n'),
    (t) => t.symlink('/usr/bin/busybox', 'usr/bin/ls', { owner: 'busybox' }),
    (t) =>
      t.writeFile(
        'usr/share/a-very-long-directory-name-that-goes-on/and-on-and-on-well-past-the-limit/with-a-file-name-so-long-that-it-cannot-fit-in-the-hundred-byte-ustar-name-field-even-after-splitting-the-prefix.txt',
        'long',
      ),
  ];
  const t = new Tree();
  const all = [...steps, ...files];
  for (const step of order === 'forward' ? all : [...steps, ...files.reverse()]) step(t);
  const bb = t.get('usr/bin/busybox')!;
  bb.pax = { 'APK-TOOLS.checksum.SHA1': 'ab'.repeat(20), 'SCHILY.xattr.security.capability': 'cap' };
  const ls = t.get('usr/bin/ls')!;
  ls.pax = { 'SCHILY.xattr.user.ignored': 'on a symlink' };
  return t;
}
