/**
 * One architecture's filesystem, built in apko's order (`pkg/build/build_implementation.go`, `buildImage`):
 * database skeleton, keyring and world, packages (with scripts.tar,
 * triggers and the installed database), the lib/apk link, accounts,
 * /etc/apko.json, path mutations, runtime keys, the service bundle, busybox
 * links and finally the runtime repositories. Certificates come after the
 * path mutations, as in apko; ld.so.cache is not written. On a base image
 * (`input.base`) the base's packages lead the installed database and
 * accounts are not touched, as in apko.
 */
import type { ApkPackage } from '../apk/package';
import type { TarEntry } from '../tar/types';
import { mutateAccounts } from './accounts';
import { writeKeys, writeRepositories, writeWorld } from './apk-files';
import { DB_DIR, initDatabase, linkApkDatabase } from './base-layout';
import { installBusyboxLinks } from './busybox';
import { writeLdsoCache } from './ldso-cache';
import { installCertificates } from './certificates';
import { installPackage, keptEntries, newInstallState } from './install';
import { formatInstalled, INSTALLED_DB } from './installed-db';
import { installedRecord } from './installed-record';
import { rootfsFacts } from './layer-facts';
import type { RootfsInput, RootfsResult } from './options';
import { readOsRelease } from './os-release';
import { mutatePaths } from './paths';
import { installRuntimeKeyring } from './runtime-keyring';
import { scriptEntries, scriptsTar, type ScriptEntry } from './scripts-tar';
import { writeServiceBundle } from './services';
import { Tree } from './tree';
import { triggerLine } from './triggers';

/** Installs every package and writes the apk database; returns the packages installed, in order, with their database stanzas. */
function installAll(tree: Tree, input: RootfsInput, warnings: string[]): { installed: ApkPackage[]; stanzas: Buffer[] } {
  // A base image's packages are already installed: apko adds their records first and installs nothing of theirs.
  const baseStanzas = input.base?.stanzas ?? [];
  const state = newInstallState();
  const installed: ApkPackage[] = [];
  const listed: TarEntry[][] = [];
  const scripts: ScriptEntry[] = [];
  let triggers = '';
  for (const pkg of input.packages) {
    const name = pkg.pkginfo.pkgname;
    if (state.packages.has(name)) {
      warnings.push(`${name} appears twice in the package list; only the first (${state.packages.get(name)!.pkgver}) was installed`);
      continue;
    }
    listed.push(installPackage(tree, pkg, state));
    scripts.push(...scriptEntries(pkg, input.buildDate));
    triggers += triggerLine(pkg);
    installed.push(pkg);
  }
  tree.writeFile(`${DB_DIR}/scripts.tar`, scriptsTar(scripts));
  tree.writeFile(`${DB_DIR}/triggers`, triggers);
  const records = installed.map((pkg, i) => installedRecord(pkg, keptEntries(listed[i]!, pkg.pkginfo.pkgname, state)));
  // One formatter for the database and for the partial copies package layers carry: the file is its stanzas, joined.
  const stanzas = records.map((r) => Buffer.from(formatInstalled([r]), 'utf8'));
  tree.writeFile(INSTALLED_DB, Buffer.concat([...baseStanzas, ...stanzas]));
  return { installed, stanzas };
}

/** Builds the image filesystem for one architecture. */
export function buildRootfs(input: RootfsInput): RootfsResult {
  const tree = new Tree();
  const warnings: string[] = [];
  initDatabase(tree, input.arch);
  writeKeys(tree, input.keys);
  writeWorld(tree, input.world);
  const { installed, stanzas } = installAll(tree, input, warnings);
  linkApkDatabase(tree);
  // On a base image apko leaves accounts alone: the base's /etc/passwd and /etc/group stay as they are.
  const user = input.base ? undefined : mutateAccounts(tree, input.accounts);
  const apkoJson = typeof input.apkoJson === 'function' ? input.apkoJson({ user }) : input.apkoJson;
  tree.writeFile('etc/apko.json', apkoJson, { mode: 0o444 });
  mutatePaths(tree, input.paths ?? []);
  warnings.push(...installCertificates(tree, { ...(input.certificates ? { certificates: input.certificates } : {}), installed, buildDate: input.buildDate }));
  installRuntimeKeyring(tree, input.runtimeKeyring ?? [], input.buildDate);
  writeServiceBundle(tree, input.entrypoint);
  const busybox = installBusyboxLinks(tree, installed);
  if (busybox) warnings.push(busybox);
  // Last, as apko does, so it lists every library the steps above left in place.
  writeLdsoCache(tree);
  const repos = writeRepositories(tree, input.repositories);
  if (repos) warnings.push(repos);
  for (const path of input.base ? [] : ['etc/passwd', 'etc/group', 'etc/os-release']) {
    if (!tree.stat(path)) warnings.push(`/${path} is missing from the image; programs that look it up may misbehave`);
  }
  const origins = new Map(installed.map((p) => [p.pkginfo.pkgname, p.pkginfo.origin ?? p.pkginfo.pkgname] as [string, string]));
  const osRelease = readOsRelease(tree);
  return {
    tree,
    ...(user !== undefined ? { user } : {}),
    ...(osRelease !== undefined ? { osRelease } : {}),
    installed,
    origins,
    facts: rootfsFacts(installed, stanzas),
    warnings,
  };
}
