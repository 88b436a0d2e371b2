/**
 * The inputs both tools build: one signed local repository (made with the
 * project's own package writer) and one apko.yaml per case. Each case that is
 * expected to differ from apko names the known differences it shows
 * (known-differences.ts); every other case must match apko exactly.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { basename } from 'node:path';
import type { PackageSpec } from '../../engine/example/local-repository';

/**
 * Real shared objects of this machine (x86_64 glibc), for the ld.so.cache
 * case; each as its file name and bytes, or nothing where the machine lacks it.
 */
function hostLibrary(path: string): { name: string; data: Buffer } | undefined {
  try {
    const real = realpathSync(path);
    return { name: basename(real), data: readFileSync(real) };
  } catch {
    return undefined;
  }
}
const LIBZ = hostLibrary('/lib/x86_64-linux-gnu/libz.so.1');
const LIBM = hostLibrary('/lib/x86_64-linux-gnu/libm.so.6');
const LIBGCC = hostLibrary('/lib/x86_64-linux-gnu/libgcc_s.so.1');
/** Whether the ld.so.cache case can run here. */
export const HAS_HOST_LIBRARIES = LIBZ !== undefined && LIBM !== undefined && LIBGCC !== undefined;

/** SOURCE_DATE_EPOCH for both tools (2023-11-14T22:21:40Z). */
export const SOURCE_DATE_EPOCH = '1700000500';

/** Every package is written for both architectures the cases use. */
export const REPOSITORY_ARCHS = ['x86_64', 'aarch64'] as const;

/** Packages whose files are all owned by root, unless a case is about something else. */
export const PACKAGES: readonly PackageSpec[] = [
  {
    name: 'base', version: '1.0.0-r0', license: 'MIT', builddate: 1700000000,
    files: [
      { path: 'etc/os-release', type: 'file', mode: 0o644, data: 'ID=conformance\nNAME="Conformance"\nVERSION_ID="1"\n' },
      { path: 'etc/passwd', type: 'file', mode: 0o644, data: 'root:x:0:0:root:/root:/bin/sh\n' },
      { path: 'etc/group', type: 'file', mode: 0o644, data: 'root:x:0:root\n' },
    ],
  },
  {
    name: 'libfoo', version: '2.1-r3', license: 'Apache-2.0', builddate: 1700000100, origin: 'foo', provides: ['so:libfoo.so.2=2'],
    files: [{ path: 'usr/lib/libfoo.so.2', type: 'file', mode: 0o755, data: 'x'.repeat(5000) }],
  },
  {
    // apko walks a package's dependencies fewest candidates first, ties in byte order; this list is already in that order.
    name: 'foo', version: '2.1-r3', license: 'Apache-2.0', builddate: 1700000100, origin: 'foo', depends: ['base', 'so:libfoo.so.2'],
    files: [
      { path: 'usr/bin/foo', type: 'file', mode: 0o755, data: '#!/bin/sh\necho foo\n' },
      { path: 'usr/bin/foo-link', type: 'symlink', mode: 0o777, linkname: '/usr/bin/foo' },
    ],
  },
  {
    name: 'bar', version: '0.9-r0', license: 'GPL-2.0-only', builddate: 1700000200, origin: 'bar', depends: ['foo'],
    scripts: { '.post-install': '#!/bin/sh\necho installed\n' },
    files: [
      { path: 'usr/share/bar/data', type: 'file', mode: 0o644, data: 'y'.repeat(20000) },
      { path: 'usr/bin/bar', type: 'symlink', mode: 0o777, linkname: '/usr/bin/foo' },
    ],
  },
  {
    // Its dependencies are listed against apko's order (both have one candidate, so apko takes alpha first).
    name: 'unsorted', version: '1-r0', license: 'MIT', builddate: 1700000300, depends: ['zeta', 'alpha'],
    files: [{ path: 'usr/share/unsorted/README', type: 'file', mode: 0o644, data: 'unsorted\n' }],
  },
  { name: 'alpha', version: '1-r0', license: 'MIT', builddate: 1700000300, depends: ['base'], files: [{ path: 'usr/share/alpha/README', type: 'file', mode: 0o644, data: 'alpha\n' }] },
  { name: 'zeta', version: '1-r0', license: 'MIT', builddate: 1700000300, depends: ['base'], files: [{ path: 'usr/share/zeta/README', type: 'file', mode: 0o644, data: 'zeta\n' }] },
  {
    name: 'owned', version: '1-r0', license: 'MIT', builddate: 1700000300, depends: ['base'],
    files: [
      { path: 'var/lib/owned', type: 'dir', mode: 0o750, uid: 1000, gid: 1000 },
      { path: 'var/lib/owned/state', type: 'file', mode: 0o640, uid: 1000, gid: 1000, data: 'owned by 1000\n' },
    ],
  },
  {
    name: 'linked', version: '1-r0', license: 'MIT', builddate: 1700000300, depends: ['base'],
    files: [
      { path: 'usr/bin/tool', type: 'file', mode: 0o755, data: '#!/bin/sh\necho tool\n' },
      { path: 'usr/bin/tool-alias', type: 'hardlink', mode: 0o755, linkname: 'usr/bin/tool' },
    ],
  },
  {
    name: 'deep', version: '1-r0', license: 'MIT', builddate: 1700000300, depends: ['base'],
    // One name of 120 bytes: too long for ustar's 100-byte name field and not splittable, so a PAX header carries it.
    files: [{ path: `usr/share/deep/${'n'.repeat(120)}`, type: 'file', mode: 0o644, data: 'deep\n' }],
  },
  ...(HAS_HOST_LIBRARIES
    ? [
        {
          // /etc/ld.so.conf with an include (whose glob order and early end apko follows), libraries by SONAME, by link
          // name and by neither, a library without the lib prefix and a file that only looks like one.
          name: 'ldso', version: '1-r0', license: 'MIT', builddate: 1700000300, depends: ['base'],
          files: [
            { path: 'etc/ld.so.conf', type: 'file', mode: 0o644, data: '# libraries\ninclude /etc/ld.so.conf.d/*.conf\n/after/the/include\n' },
            { path: 'etc/ld.so.conf.d/libc.conf', type: 'file', mode: 0o644, data: '/usr/local/lib\n/usr/lib # trailing comment\n/usr/local/lib\n' },
            { path: 'etc/ld.so.conf.d/z.conf', type: 'file', mode: 0o644, data: '/opt/lib\n' },
            { path: `lib/${LIBZ!.name}`, type: 'file', mode: 0o755, data: LIBZ!.data },
            { path: 'lib/libz.so.1', type: 'symlink', mode: 0o777, linkname: LIBZ!.name },
            { path: 'lib/libz.so', type: 'symlink', mode: 0o777, linkname: 'libz.so.1' },
            { path: `usr/lib/${LIBM!.name}`, type: 'file', mode: 0o755, data: LIBM!.data },
            { path: 'usr/local/lib/libfake.so.1', type: 'file', mode: 0o644, data: 'not an ELF file\n' },
            { path: 'usr/local/lib/zlib.so.1', type: 'symlink', mode: 0o777, linkname: `/lib/${LIBZ!.name}` },
            { path: 'opt/lib/libgcc_s.so.1', type: 'file', mode: 0o644, data: LIBGCC!.data },
            { path: 'after/the/include/libm.so.6', type: 'file', mode: 0o755, data: LIBM!.data },
          ],
        } satisfies PackageSpec,
      ]
    : []),
];

/** One build both tools run. */
export interface ConformanceCase {
  readonly name: string;
  readonly archs: readonly string[];
  /** The apko.yaml body after `contents.repositories` and `contents.keyring`, which the runner writes. */
  readonly packages: readonly string[];
  readonly extra?: string;
  /** Known differences (ids in known-differences.ts) this case shows besides the ones every case shows. */
  readonly differences: readonly string[];
}

const ACCOUNTS = `accounts:
  groups:
    - {groupname: app, gid: 1000}
  users:
    - {username: app, uid: 1000, gid: 1000}
  run-as: app
entrypoint:
  command: /usr/bin/foo --flag "a b"
cmd: --help
environment:
  PATH: /usr/bin:/bin
  GREETING: hello
work-dir: /home/app
paths:
  - {path: /data, type: directory, uid: 1000, gid: 1000, permissions: 0o750}
  - {path: /data/empty, type: empty-file, uid: 1000, gid: 1000, permissions: 0o640}
  - {path: /usr/bin/foo, type: permissions, permissions: 0o750}
annotations:
  org.example.team: conformance
  org.opencontainers.image.title: Conformance
`;

export const CASES: readonly ConformanceCase[] = [
  { name: 'single arch', archs: ['x86_64'], packages: ['bar'], differences: [] },
  { name: 'multi-arch', archs: ['x86_64', 'aarch64'], packages: ['bar'], differences: [] },
  { name: 'accounts, paths, entrypoint, env, annotations', archs: ['x86_64'], packages: ['foo'], extra: ACCOUNTS, differences: [] },
  {
    name: 'origin layering', archs: ['x86_64', 'aarch64'], packages: ['bar', 'foo'], extra: 'layering:\n  strategy: origin\n  budget: 3\n',
    differences: ['origin-walk-stack-dirs'],
  },
  { name: 'package file owned by a user', archs: ['x86_64'], packages: ['owned'], differences: ['package-owner'] },
  { name: 'hardlinked package file', archs: ['x86_64'], packages: ['linked'], differences: [] },
  {
    name: 'symlink path without permissions', archs: ['x86_64'], packages: ['foo'],
    extra: 'paths:\n  - {path: /data/foo, type: symlink, source: /usr/bin/foo}\n', differences: ['path-permissions-default'],
  },
  { name: 'dependencies listed against apko order', archs: ['x86_64'], packages: ['unsorted'], differences: [] },
  { name: 'path longer than ustar holds', archs: ['x86_64'], packages: ['deep'], differences: [] },
  ...(HAS_HOST_LIBRARIES ? [{ name: 'ld.so.cache from /etc/ld.so.conf', archs: ['x86_64'], packages: ['ldso'], differences: [] }] : []),
];
