/**
 * Writes a signed local repository (`<dir>/<arch>/<name>-<version>.apk` plus
 * `<dir>/<arch>/APKINDEX.tar.gz`) from package descriptions, with the
 * project's own writers. The bundled example and the end-to-end tests make
 * their packages this way, so nothing needs the internet.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readApkBytes, toIndexEntry } from '../apk/package-read';
import { sortForPackage, writeApk, type ApkFileInput } from '../apk/package-write';
import { writeApkIndex } from '../apk/index-write';
import type { KeyPair } from '../apk/keys';
import type { PkgInfo } from '../apk/types';

/** A package to write: the .PKGINFO fields that matter plus its files. */
export interface PackageSpec {
  name: string;
  version: string;
  description?: string;
  license?: string;
  origin?: string;
  depends?: string[];
  provides?: string[];
  replaces?: string[];
  providerPriority?: number;
  /** `.PKGINFO` `size` (`I:`); default: the bytes of its regular files. */
  installedSize?: number;
  builddate?: number;
  files: ApkFileInput[];
  scripts?: Record<string, string>;
}

/** The .PKGINFO of a spec for one arch. */
function pkginfoFor(spec: PackageSpec, arch: string): Omit<PkgInfo, 'datahash' | 'size'> & { size?: number } {
  return {
    ...(spec.installedSize !== undefined ? { size: spec.installedSize } : {}),
    pkgname: spec.name,
    pkgver: spec.version,
    arch,
    origin: spec.origin ?? spec.name,
    pkgdesc: spec.description ?? spec.name,
    url: '',
    commit: '',
    builddate: spec.builddate,
    license: [spec.license ?? 'Apache-2.0'],
    depend: spec.depends ?? [],
    provides: spec.provides ?? [],
    replaces: spec.replaces ?? [],
    install_if: [],
    triggers: [],
    provider_priority: spec.providerPriority,
    extra: [],
  };
}

/** Adds the parent directories a file list implies, so packages are self-contained. */
function withParents(files: readonly ApkFileInput[]): ApkFileInput[] {
  const have = new Set(files.map((f) => f.path));
  const out = [...files];
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!have.has(dir)) {
        have.add(dir);
        out.push({ path: dir, type: 'dir', mode: 0o755 });
      }
    }
  }
  return sortForPackage(out);
}

/** Writes every spec for every arch into `dir`, signed with `key`; returns the .apk paths. */
export async function writeLocalRepository(
  dir: string,
  opts: { key: KeyPair; archs: readonly string[]; packages: readonly PackageSpec[]; sourceDateEpoch?: number },
): Promise<string[]> {
  const written: string[] = [];
  const signingKey = { privateKeyPem: opts.key.privateKeyPem, keyName: opts.key.publicKeyName };
  for (const arch of opts.archs) {
    const archDir = join(dir, arch);
    await mkdir(archDir, { recursive: true });
    const entries = [];
    for (const spec of opts.packages) {
      const bytes = writeApk({
        pkginfo: pkginfoFor(spec, arch),
        files: withParents(spec.files),
        scripts: spec.scripts,
        signingKey,
        sourceDateEpoch: opts.sourceDateEpoch ?? spec.builddate ?? 0,
      });
      const path = join(archDir, `${spec.name}-${spec.version}.apk`);
      await writeFile(path, bytes);
      written.push(path);
      entries.push(toIndexEntry(readApkBytes(bytes, { subject: path })));
    }
    await writeFile(join(archDir, 'APKINDEX.tar.gz'), writeApkIndex(entries, { signingKey, description: 'local repository' }));
  }
  return written;
}
