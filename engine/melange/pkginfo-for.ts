/**
 * The `.PKGINFO` record of one package of a build, with the values melange
 * puts there: `origin` is the main package's name for subpackages too,
 * `license` lines come from the main package's copyright, `maintainer` is the
 * namespace, `builddate` the source date epoch (the writer omits it at 0),
 * `commit` the configured (own, else the main package's) or detected git
 * commit. size and datahash are left
 * to the writer.
 */
import type { PkgInfo } from '../apk/types';
import type { PackageCommon, PackageSpec } from './model';

/** Everything `.PKGINFO` is made from. */
export interface PkgInfoFacts {
  /** The package being written: the origin or a subpackage. */
  readonly pkg: PackageCommon;
  readonly origin: PackageSpec;
  readonly arch: string;
  readonly namespace: string;
  readonly builddate: number;
  /** Commit to record when the package itself names none. */
  readonly detectedCommit: string;
  /** Dependencies after the automatic scan (see sca.ts mergeDependencies). */
  readonly depend: readonly string[];
  readonly provides: readonly string[];
  readonly vendored: readonly string[];
}

/** `.PKGINFO` without size and datahash. */
export function pkgInfoFor(f: PkgInfoFacts): Omit<PkgInfo, 'datahash' | 'size'> {
  const d = f.pkg.dependencies;
  return {
    pkgname: f.pkg.name,
    pkgver: `${f.origin.version}-r${f.origin.epoch}`,
    arch: f.arch,
    origin: f.origin.name,
    pkgdesc: f.pkg.description,
    url: f.pkg.url,
    // A subpackage without its own commit shares the main package's (melange would leave it empty outside git).
    commit: f.pkg.commit || f.origin.commit || f.detectedCommit,
    ...(f.namespace !== '' ? { maintainer: f.namespace } : {}),
    ...(f.builddate !== 0 ? { builddate: f.builddate } : {}),
    license: f.origin.copyright.map((c) => c.license),
    depend: [...f.depend],
    provides: [...f.provides],
    replaces: [...d.replaces],
    install_if: [],
    triggers: [...f.pkg.scriptlets.triggerPaths],
    ...(d.providerPriority !== undefined ? { provider_priority: Number(d.providerPriority) } : {}),
    ...(d.replacesPriority !== undefined ? { replaces_priority: Number(d.replacesPriority) } : {}),
    // melange writes these as comments; apk-tools ignores them.
    extra: f.vendored.map((v): [string, string] => ['# vendored', v]),
  };
}
