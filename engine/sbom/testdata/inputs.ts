/**
 * Realistic SBOM inputs for the tests: a small Wolfi image whose hello
 * packages ship melange SBOMs, and a small Alpine image with awkward names
 * and licenses. Checksums are real Q1 values of made-up bytes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apkChecksumOf, sha256Hex } from '../../digest';
import type { ImageSbomInput, OsRelease, SbomPackageInput } from '../types';

/** A parsed testdata JSON file. */
export function loadJson(name: string): unknown {
  return JSON.parse(readFileSync(join(__dirname, name), 'utf8'));
}

/** A package input with a real-looking checksum derived from its name. */
export function pkg(name: string, version: string, more: Partial<SbomPackageInput> = {}): SbomPackageInput {
  return {
    name,
    version,
    arch: 'x86_64',
    license: 'MIT',
    description: `${name} package`,
    checksum: apkChecksumOf(Buffer.from(`${name}-${version}`)),
    depends: [],
    ...more,
  };
}

/** /etc/os-release of Wolfi, parsed. */
export const WOLFI_OS: OsRelease = {
  id: 'wolfi',
  name: 'Wolfi',
  prettyName: 'Wolfi',
  versionId: '20230201',
  homeUrl: 'https://wolfi.dev',
};

/** A Wolfi image for x86_64 with two packages that ship melange SBOMs. */
export function wolfiImage(): ImageSbomInput {
  return {
    arch: 'x86_64',
    ociArch: 'amd64',
    imageDigest: `sha256:${sha256Hex('wolfi manifest')}`,
    imageRef: 'cgr.dev/chainguard/hello:latest',
    created: 0,
    os: WOLFI_OS,
    toolVersion: '0.1.0',
    packages: [
      pkg('wolfi-baselayout', '20230201-r7', { license: 'MIT', maintainer: '' }),
      pkg('glibc', '2.38-r5', {
        license: 'LGPL-2.1-or-later',
        datahash: sha256Hex('glibc data'),
        depends: ['wolfi-baselayout'],
        url: 'https://www.gnu.org/software/libc',
        origin: 'glibc',
      }),
      pkg('ld-linux', '2.38-r5', { license: 'LGPL-2.1-or-later', origin: 'glibc', depends: ['glibc'] }),
      pkg('hello-wolfi', '2.12.1-r0', {
        license: 'GPL-3.0-or-later',
        depends: ['glibc', 'ld-linux', 'not-installed'],
        origin: 'hello-wolfi',
        embeddedSbom: loadJson('hello-wolfi-2.12.1-r0.spdx.json'),
      }),
      pkg('hello-wolfi-doc', '2.12.1-r0', {
        license: 'GFDL-1.3-or-later AND LicenseRef-gnu-manual-notice',
        origin: 'hello-wolfi',
        embeddedSbom: loadJson('hello-wolfi-doc-2.12.1-r0.spdx.json'),
      }),
    ],
  };
}

/** An Alpine image for aarch64: names with `+` and `_`, licenses that are not SPDX expressions. */
export function alpineImage(): ImageSbomInput {
  const maintainer = 'Natanael Copa <ncopa@alpinelinux.org>';
  return {
    arch: 'aarch64',
    ociArch: 'arm64',
    imageDigest: `sha256:${sha256Hex('alpine manifest')}`,
    created: 1700000000,
    os: { id: 'alpine', name: 'Alpine Linux', prettyName: 'Alpine Linux v3.18', versionId: '3.18.4' },
    toolVersion: '0.1.0',
    vcsUrl: 'https://github.com/example/images@0123456789abcdef0123456789abcdef01234567',
    packages: [
      pkg('musl', '1.2.4-r2', { arch: 'aarch64', license: 'MIT', maintainer }),
      pkg('busybox', '1.36.1-r5', { arch: 'aarch64', license: 'GPL-2.0-only', maintainer, depends: ['musl'] }),
      pkg('libstdc++', '12.2.1_git20220924-r10', {
        arch: 'aarch64',
        license: 'GPL-2.0-or-later LGPL-2.1-or-later',
        maintainer,
        depends: ['musl'],
      }),
      pkg('py3.12-foo_bar', '1.0-r0', { arch: 'noarch', license: 'custom', depends: ['libstdc++'] }),
      pkg('tzdata', '2023c-r1', { arch: 'aarch64', license: 'Public-Domain', maintainer }),
      pkg('zlib', '1.2.13-r1', { arch: 'aarch64', license: 'Zlib', maintainer }),
      pkg('ssl_client', '1.36.1-r5', { arch: 'aarch64', license: 'gpl-2.0-only and MIT', maintainer }),
    ],
  };
}
