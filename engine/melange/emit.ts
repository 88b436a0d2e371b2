/**
 * Turns one package's output directory into .apk bytes: read the files,
 * compute the automatic dependencies, add the embedded SBOM, write
 * `.PKGINFO`, the install scripts and `.melange.yaml` (the file as written),
 * and sign. The installed size counts regular files and symlink targets, not
 * directories, whose on-disk sizes differ between filesystems.
 */
import { writeApk, sortForPackage, type ApkFileInput } from '../apk/package-write';
import { readApkBytes } from '../apk/package-read';
import type { Arch } from '../arch';
import { readDestdir, type DestEntry, type OwnerMap } from './destdir';
import type { PackageCommon, PackageSpec } from './model';
import { pkgInfoFor } from './pkginfo-for';
import { CAPABILITY_XATTR, capabilityXattrs } from './setcap';
import { mergeDependencies, scanDependencies, type GeneratedDependencies } from './sca';
import { packageSbom, sbomPath, type PackageSbomInput } from './sbom';
import type { MelangeSigningKey } from './signing-key';

/** Everything needed to write one package of a build. */
export interface EmitInput {
  readonly pkg: PackageCommon;
  readonly origin: PackageSpec;
  /** The package's output directory on this machine. */
  readonly dir: string;
  /** Its entries when the build already read them (to lint them); otherwise read from `dir`. */
  readonly entries?: readonly DestEntry[];
  /** Output directories of all packages of the build, origin first. */
  readonly relatives: ReadonlyMap<string, string>;
  readonly arch: Arch;
  readonly namespace: string;
  readonly sourceDateEpoch: number;
  readonly detectedCommit: string;
  readonly configText: string;
  readonly configFile?: PackageSbomInput['configFile'];
  readonly licenseTexts: ReadonlyMap<string, string>;
  readonly owners: OwnerMap;
  readonly signingKey?: MelangeSigningKey;
  readonly log: (line: string) => void;
}

/** A written package. */
export interface EmittedPackage {
  readonly name: string;
  /** `<version>-r<epoch>`. */
  readonly version: string;
  readonly fileName: string;
  readonly bytes: Buffer;
  /** The index checksum (`Q1…`). */
  readonly checksum: string;
  /** What the dependency scan generated (melange's --dependency-log). */
  readonly generated: GeneratedDependencies;
}

const ROOT_DIR = { type: 'dir' as const, mode: 0o755, uid: 0, gid: 0 };

/** Builds one package's bytes. */
export async function emitPackage(i: EmitInput): Promise<EmittedPackage> {
  const fullVersion = `${i.origin.version}-r${i.origin.epoch}`;
  const sbomFile = sbomPath(i.pkg.name, fullVersion);
  const entries = (i.entries ?? (await readDestdir(i.dir, i.owners))).filter((e) => {
    if (e.path !== sbomFile) return true;
    i.log(`warning: ${i.pkg.name}: the pipeline wrote ${sbomFile}; it is replaced by the generated SBOM`);
    return false;
  });
  const generated = await scanDependencies({ entries, options: i.pkg.options, fullVersion, relatives: i.relatives, log: i.log });
  const deps = mergeDependencies(i.pkg.dependencies, generated);
  for (const d of deps.depend) i.log(`${i.pkg.name}: depends on ${d}`);
  for (const p of deps.provides) i.log(`${i.pkg.name}: provides ${p}`);

  const sbom = packageSbom({
    name: i.pkg.name,
    fullVersion,
    arch: i.arch.apk,
    namespace: i.namespace,
    copyright: i.origin.copyright,
    sourceDateEpoch: i.sourceDateEpoch,
    ...(i.configFile ? { configFile: i.configFile } : {}),
    licenseTexts: i.licenseTexts,
  });
  const caps = capabilityXattrs(i.pkg.setcap);
  const files: ApkFileInput[] = entries.map(({ hostPath: _h, size: _s, ...f }) => {
    const cap = caps.get(f.path);
    if (cap === undefined) return f;
    caps.delete(f.path);
    if (f.type !== 'file') {
      i.log(`warning: ${i.pkg.name}: setcap: /${f.path} is a ${f.type}, not a regular file; its capabilities are not set`);
      return f;
    }
    return { ...f, xattrs: { [CAPABILITY_XATTR]: cap } };
  });
  // melange warns and goes on when a setcap path is missing; so does this.
  for (const path of caps.keys()) i.log(`warning: ${i.pkg.name}: setcap: /${path} is not in the package; its capabilities are not set`);
  const present = new Set(files.map((f) => f.path));
  for (const dir of ['var', 'var/lib', 'var/lib/db', 'var/lib/db/sbom']) if (!present.has(dir)) files.push({ path: dir, ...ROOT_DIR });
  files.push({ path: sbomFile, type: 'file', mode: 0o644, uid: 0, gid: 0, data: sbom });
  const size = entries.reduce((n, e) => n + e.size, 0) + sbom.length;

  const pkginfo = pkgInfoFor({
    pkg: i.pkg,
    origin: i.origin,
    arch: i.arch.apk,
    namespace: i.namespace,
    builddate: i.sourceDateEpoch,
    detectedCommit: i.detectedCommit,
    ...deps,
  });
  const bytes = writeApk({
    pkginfo: { ...pkginfo, size },
    files: sortForPackage(files),
    scripts: i.pkg.scriptlets.scripts,
    extraControl: [{ name: '.melange.yaml', data: i.configText, mode: 0o644 }],
    ...(i.signingKey ? { signingKey: { privateKeyPem: i.signingKey.privateKeyPem, keyName: i.signingKey.keyName } } : {}),
    sourceDateEpoch: i.sourceDateEpoch,
  });
  // Reading our own output back verifies datahash and every per-file checksum before anything is written.
  const checksum = readApkBytes(bytes, { subject: `${i.pkg.name}-${fullVersion}` }).checksum;
  return { name: i.pkg.name, version: fullVersion, fileName: `${i.pkg.name}-${fullVersion}.apk`, bytes, checksum, generated };
}
