/**
 * What the rootfs stage tells a layering strategy about the installed
 * packages: the fields apko's `groupAPKByOrigin` reads from each
 * `apk.Package` (name, version, origin, installed size, replaces) and the
 * bytes `splitLayers` copies into each package layer's partial database (the
 * package's own stanza, exactly as the full database holds it).
 */
import type { ApkPackage } from '../apk/package';
import { dependencyMatches, parseDependency, type Dependency } from '../apk/dependency';
import { FormatError } from '../errors';

/** One installed package, as layering sees it. */
export interface PackageFacts {
  readonly name: string;
  readonly version: string;
  /** `o:` as the package declares it; `''` when it declares none (apko then groups it with the other origin-less packages). */
  readonly origin: string;
  /** `I:` (the `.PKGINFO` `size`), which apko sizes groups by. */
  readonly installedSize: number;
  /** The package's record in the installed database, byte for byte. */
  readonly stanza: Buffer;
}

/** The facts of a finished rootfs. */
export interface RootfsFacts {
  /** In install order. */
  readonly packages: readonly PackageFacts[];
  /**
   * `[replacer, replaced]` for every `replaces` atom naming an installed
   * package whose version satisfies it; apko keeps such pairs in one layer.
   */
  readonly replaces: ReadonlyArray<readonly [string, string]>;
}

/** No packages: what a tree made without the rootfs stage has. */
export const NO_FACTS: RootfsFacts = { packages: [], replaces: [] };

/** The atom, or undefined when it does not parse. */
function atomOf(raw: string, subject: string): Dependency | undefined {
  try {
    return parseDependency(raw, subject);
  } catch (e) {
    // apko's ResolvePackageNameVersionPin reads an atom it cannot split as a bare name,
    // which names no installed package, so the atom joins nothing.
    if (e instanceof FormatError) return undefined;
    throw e;
  }
}

/** The replaces pairs of `installed`, as apko's `groupAPKByOrigin` and `replacesGroup` decide them. */
export function replacesPairs(installed: readonly ApkPackage[]): Array<[string, string]> {
  const versionOf = new Map(installed.map((p) => [p.pkginfo.pkgname, p.pkginfo.pkgver]));
  const pairs: Array<[string, string]> = [];
  for (const p of installed) {
    const name = p.pkginfo.pkgname;
    for (const raw of p.pkginfo.replaces) {
      const atom = atomOf(raw, `the replaces of ${name}-${p.pkginfo.pkgver}`);
      const version = atom && versionOf.get(atom.name);
      // A replaced package that is not in the image is normal; one at a version outside the atom is not joined.
      if (atom && version !== undefined && dependencyMatches(atom, atom.name, version)) pairs.push([name, atom.name]);
    }
  }
  return pairs;
}

/** The facts of `installed`, whose database stanzas are `stanzas[i]`. */
export function rootfsFacts(installed: readonly ApkPackage[], stanzas: readonly Buffer[]): RootfsFacts {
  const packages = installed.map((p, i) => ({
    name: p.pkginfo.pkgname,
    version: p.pkginfo.pkgver,
    origin: p.pkginfo.origin ?? '',
    installedSize: p.pkginfo.size,
    stanza: stanzas[i]!,
  }));
  return { packages, replaces: replacesPairs(installed) };
}
