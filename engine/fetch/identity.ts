/**
 * A fetched package is the package it was fetched as. The index (or the lock
 * file) names a package, version and architecture, and the fetch path finds
 * the file by that name; the `C:` checksum proves only that the control
 * section is the one the index hashed, not that the index described it
 * honestly. So the package's own `.PKGINFO` must agree with what was asked
 * for, before anything installs it under either name.
 */
import type { ApkPackage } from '../apk/package';
import { FormatError } from '../errors';

/** What the package was fetched as. */
export interface ExpectedIdentity {
  readonly name: string;
  readonly version: string;
  /** The index's `A:` (may be empty: older indexes leave it out). */
  readonly arch?: string;
  /** The architecture being built: the package must be built for it, or be `noarch`. */
  readonly buildArch: string;
}

/** Throws a FormatError naming both sides unless `pkg`'s .PKGINFO says what `expected` says. */
export function checkPackageIdentity(pkg: ApkPackage, expected: ExpectedIdentity, shown: string, by: 'the index' | 'the lock file'): void {
  const p = pkg.pkginfo;
  const q = JSON.stringify;
  const wrong: string[] = [];
  if (p.pkgname !== expected.name) wrong.push(`${by} says name ${q(expected.name)}, its .PKGINFO says ${q(p.pkgname)}`);
  if (p.pkgver !== expected.version) wrong.push(`${by} says version ${q(expected.version)}, its .PKGINFO says ${q(p.pkgver)}`);
  if (expected.arch !== undefined && expected.arch !== '' && p.arch !== expected.arch) {
    wrong.push(`${by} says arch ${q(expected.arch)}, its .PKGINFO says ${q(p.arch)}`);
  }
  if (p.arch !== expected.buildArch && p.arch !== 'noarch') wrong.push(`the build is for ${expected.buildArch}, its .PKGINFO says arch ${q(p.arch)}`);
  if (wrong.length === 0) return;
  throw new FormatError(`${shown} is not the package ${expected.name}-${expected.version}: ${wrong.join('; ')}`, {
    file: shown,
    hint:
      by === 'the index'
        ? 'the repository serves a different package than its index describes; rebuild the index (apko-nx melange index) or ask its maintainer'
        : 'the lock file does not describe this package; re-run apko-nx lock to update it',
  });
}
