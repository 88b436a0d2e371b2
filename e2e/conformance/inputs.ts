/**
 * The inputs both tools build: one signed local repository (made with the
 * project's own package writer) and one apko.yaml per case. Each case that is
 * expected to differ from apko names the known differences it shows
 * (known-differences.ts); every other case must match apko exactly.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { basename } from 'node:path';
import type { PackageSpec } from '../../engine/example/local-repository';
import { writeJks } from '../../engine/rootfs/java-truststore';
import { X509Certificate } from 'node:crypto';

/** Self-signed test certificates (made once with openssl, valid to 2125). */
export const CERTS = {
  extra: `-----BEGIN CERTIFICATE-----
MIIDGzCCAgOgAwIBAgIUAbv2Zg395ezSwFHnZnltoQKRlNAwDQYJKoZIhvcNAQEL
BQAwHDEaMBgGA1UEAwwRY29uZm9ybWFuY2UtZXh0cmEwIBcNMjYxMjAyMTIyMDUx
WhgPMjEyNjExMDgxMjIwNTFaMBwxGjAYBgNVBAMMEWNvbmZvcm1hbmNlLWV4dHJh
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAryd9RieRwb72poFj6Smh
pwefGP1ldw7zRWoG3qfKbbxmi0q+VpboGufnyj0oX1mM8GLgrd33rMALd9U/ERD0
oGrQvQuA6Ru9thdE5UuDCoL9HPG0TowTZex2YMQ057h6g3B9ND/vHUh0kHDsQSOd
uPiw6tuhJCCi/nrjTnzsMcLtowL7tO2sxDfjENeJIxD4p7nWnKUn1CagADlCuAFR
vF5B8WyH6nb7H0o0sKui35BChTDEOx2LpzTU5QatQ5DMLEgEYFDVfWnrkWaT/UHo
sh5+GoJwwKxxvlnbtUJXY4ytSEVOZd2WtdU46it3CuUJW2bUu/VikXII+GfF9/Sk
kwIDAQABo1MwUTAdBgNVHQ4EFgQUZt18NAOha7G+S1hMxkM/Btqb8sgwHwYDVR0j
BBgwFoAUZt18NAOha7G+S1hMxkM/Btqb8sgwDwYDVR0TAQH/BAUwAwEB/zANBgkq
hkiG9w0BAQsFAAOCAQEAB1uqiZaWkTP08TIN23/tyjm0wuzfCLQbk5xgUt2D/RR3
Mx2/Q8UJTE7Ywz0Utcml8WpJaYQYYXr+AMHpj4kOh2znk+bQSlpCegeqbrNXhamI
vBLeU0NfC1DxtMAFp6Vky2imoqv4Qo0PhryPSYpsexGpNYpzTpfOQeWv6cqBQaUa
n6I/AfxcDN1oByLw9JAntq0/QByYHJu3tQF5VqgGCWvv6Kxbu8GhAQs0qintvX3q
/qwBqv81EwDg30pjiRZSUUKrhwK8nVKjLaYWjM1n1j7/6Ia0uxuDX62fIF9rY8Do
14if4E3yKQBxCrgFf25mghGgqspeh9QHwKAg2WWY3Q==
-----END CERTIFICATE-----
`,
  provided: `-----BEGIN CERTIFICATE-----
MIIDIDCCAgigAwIBAgITUb3D8g1uoI9rlYonYzgH6HQw/jANBgkqhkiG9w0BAQsF
ADAfMR0wGwYDVQQDDBRjb25mb3JtYW5jZS1wcm92aWRlZDAgFw0yNjEyMDIxMjIw
NTJaGA8yMTI2MTEwODEyMjA1MlowHzEdMBsGA1UEAwwUY29uZm9ybWFuY2UtcHJv
dmlkZWQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCr47i7D8AXu5d+
5SrhfI7z129mtGqigbTaUrFBooOhaXYrFA3i7K8O6HX2Rbs/5Kes+qS+cB1RLUEe
in7i4KS8GRunbKgkXN2Rian5cAajGvI7AFTqBLQTMtymHVQKktq1a+AAnFUWa6tI
qC33LQqzcL8HO/qCBtPh2J6/MsYrFGN+WbXWoL3F0Ay6kQhn0jeh/ausWaLsO2Tb
3Vy6sH//sf9KoRxycA/XINTT00aWIq0dSN/yHIbUyzOMG+SvPxG77i15LXVANBhM
lZC3KpO7BiJGFd9aTEKtrXdfAYOrrnudXZ6aB4HvhjXpyiXj4XBkR/98CcYKwfuX
wsJBQ3YTAgMBAAGjUzBRMB0GA1UdDgQWBBSOyAKbzXA5iBbJk+jswHzjTwk4/TAf
BgNVHSMEGDAWgBSOyAKbzXA5iBbJk+jswHzjTwk4/TAPBgNVHRMBAf8EBTADAQH/
MA0GCSqGSIb3DQEBCwUAA4IBAQCPtjNSQ2OGmAuHBbpPEtVap1tcXagd5LeKC4rM
siCquFhEZVjILhiCbvcImsQ0BwPjYa5vhNyNDYzkdO8pzlQRp/hN/fjV+qZy+/a8
/mZ95oXXzKaI2qJS9Whr+IJYTPkVNcE1lbj/s8d9eH52nPnYrVoMG+tstRukjc83
V8A4WgBK71LVu8IXQ7mhE+ITQwg3UirJVQt2ZZilc+OYjSWz15BjjvWITa8Z2L66
LIAeWZV0oAA4Cmun/IpGtzR6tbpdt2YJgJBjh5JEgerbZpUM9D8Yhhrsolnj7wju
yNXigNqMPeaNJFvICZji9ZPZBF7Uz9sdk7k0FFqSdRmQTbhh
-----END CERTIFICATE-----
`,
  bundled: `-----BEGIN CERTIFICATE-----
MIIDHzCCAgegAwIBAgIUVmCu4xNZa1I/vi3/Zjxiq6bEK88wDQYJKoZIhvcNAQEL
BQAwHjEcMBoGA1UEAwwTY29uZm9ybWFuY2UtYnVuZGxlZDAgFw0yNjEyMDIxMjIw
NTJaGA8yMTI2MTEwODEyMjA1MlowHjEcMBoGA1UEAwwTY29uZm9ybWFuY2UtYnVu
ZGxlZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAI8dzvmr7VKdXPuC
zikBWvJN+IgVY1fF+6X266mfZFXgYgcAOYpWpUNcc90vqYxMM4/NVU3UC6Wx2eki
8MMyuudseGPnTJsJbL7ZoaFLiTg0cHKmILutkOIL9UnOretlO4MkFuJxXhET8Bk5
51xTy2FWlQsQNGDjY9NIEfQ1yVMHRfDEj9MBbNJ161G8ShBmieMmNBevO93p1SxP
88UppKRr6QohtPAv124ks+K3JogurmJLAKLBRLpE8KkClimPJJxGKkidjrIk5BDr
ynQaxdzfTUFailWNeEOvXWQ9V5Rtrll1mU9VWSjxT/LDid9nZppenNlBZtSyAush
bNatbIECAwEAAaNTMFEwHQYDVR0OBBYEFGdH1cuQIZv96Lb2eevkkHfmnf+/MB8G
A1UdIwQYMBaAFGdH1cuQIZv96Lb2eevkkHfmnf+/MA8GA1UdEwEB/wQFMAMBAf8w
DQYJKoZIhvcNAQELBQADggEBADAQjbw8HRzuEprADfHHzqPi+zY50HIlmRpLEo9g
R1348TbvZ7InYQTTD3LcVnxvgibxT/6uvD+35ZM4f0lVAVjlTDcQYPaiib0BR0jv
XxrotX5jJWtdOQKoB9mkDp6JP1FpCCYwVoRRcpIG7ve6s/y9080z5qUzum0a5o8H
nqwt6kgZZQxj8nEwOUlpCKqZCZXhkT+8mCJtEFD9mglPAgykIVYNAts8yshSTngy
UbCmN7gpjs6ZPmy5qwLX4OERW5KbNN32cvSaSXD8Jahs/NcFk7N+zEHqvVqP+xUw
Pa9KbjrrBQmn/1Qt7hjSIAEjmSJ0uFMCksw6e6jm6snFarA=
-----END CERTIFICATE-----
`,
};
/** A JKS cacerts holding the bundled certificate, as a distribution's Java package ships one. */
const CACERTS = writeJks(new Map([['bundled', { kind: 'trusted', created: 1600000000000n, certificate: { type: 'X.509', content: new X509Certificate(CERTS.bundled).raw } }]]));

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
    // A busybox build older than /etc/busybox-paths.d: apko links the applets its table lists for 1.35.0.
    name: 'busybox', version: '1.35.0-r17', license: 'GPL-2.0-only', builddate: 1700000400, depends: ['base'],
    files: [{ path: 'bin/busybox', type: 'file', mode: 0o755, data: 'not really busybox\n' }],
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
  {
    name: 'ca-bundle', version: '1-r0', license: 'MIT', builddate: 1700000300, depends: ['base'],
    files: [
      { path: 'etc/ssl/certs/ca-certificates.crt', type: 'file', mode: 0o644, data: CERTS.bundled },
      { path: 'etc/ssl/certs/java/cacerts', type: 'file', mode: 0o644, data: CACERTS },
    ],
  },
  {
    name: 'corp-ca', version: '1-r0', license: 'MIT', builddate: 1700000300, depends: ['ca-bundle'], provides: ['custom-ca-certificates'],
    files: [
      { path: 'usr/local/share/ca-certificates/corp.crt', type: 'file', mode: 0o644, data: CERTS.provided },
      { path: 'usr/local/share/ca-certificates/README', type: 'file', mode: 0o644, data: 'not a certificate\n' },
    ],
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
  { name: 'busybox applet links without busybox-paths.d', archs: ['x86_64'], packages: ['busybox'], differences: [] },
  { name: 'path longer than ustar holds', archs: ['x86_64'], packages: ['deep'], differences: [] },
  {
    name: 'certificates into the bundle and the Java truststore', archs: ['x86_64'], packages: ['corp-ca'],
    extra: `certificates:\n  providers: [custom-ca-certificates]\n  additional:\n    - name: extra\n      content: |\n${CERTS.extra.trimEnd().split('\n').map((l) => `        ${l}`).join('\n')}\n`,
    differences: [],
  },
  ...(HAS_HOST_LIBRARIES ? [{ name: 'ld.so.cache from /etc/ld.so.conf', archs: ['x86_64'], packages: ['ldso'], differences: [] }] : []),
];
