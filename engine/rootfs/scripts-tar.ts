/**
 * `usr/lib/apk/db/scripts.tar`: every executable control entry of every
 * installed package, renamed `<name>-<version>.<Q1 checksum><entry name>`
 * as apk-tools names them, with mtime set to the build date. apko never runs
 * them; the archive only records them (apko `pkg/apk/apk/installed.go`: `updateScriptsTar`).
 */
import type { ApkPackage } from '../apk/package';
import { FormatError } from '../errors';
import { controlCharacterIn, escapeName } from '../tar/names';
import { writeTar, type TarHeaderInput } from '../tar/write';

/** A tar entry with its content, ready for `writeTar`. */
export type ScriptEntry = TarHeaderInput & { data: Buffer };

/** The scripts.tar entries of one package, in control-section order. */
export function scriptEntries(pkg: ApkPackage, buildDate: number): ScriptEntry[] {
  const { pkgname, pkgver } = pkg.pkginfo;
  for (const [what, value] of [['name', pkgname], ['version', pkgver]] as const) {
    // Both become part of every script's entry name.
    const bad = controlCharacterIn(value) ?? (value.includes('/') ? '/' : undefined);
    if (bad !== undefined) {
      throw new FormatError(`${escapeName(pkgname)}: the package ${what} "${escapeName(value)}" has a character (${bad}) no package ${what} may hold`, {
        file: pkgname,
        hint: 'the package is malformed or hostile; do not install it, and tell its maintainer',
      });
    }
  }
  for (const e of pkg.controlEntries) {
    // Tools that list scripts.tar print these names one a line.
    const bad = controlCharacterIn(e.name) ?? (e.name.includes('/') ? '/' : undefined);
    if (bad !== undefined) {
      throw new FormatError(`${pkgname}-${pkgver}: control entry "${escapeName(e.name)}" has a character (${bad}) no script name may hold`, {
        file: `${pkgname}-${pkgver}`,
        hint: 'the package is malformed or hostile; do not install it, and tell its maintainer',
      });
    }
  }
  return pkg.controlEntries
    // apko keeps entries with all of r-x for everyone: scripts are 0755, `.melange.yaml` (0644) is not one.
    .filter((e) => e.type === 'file' && e.name !== '.PKGINFO' && (e.mode & 0o555) === 0o555)
    .map((e) => ({
      name: `${pkgname}-${pkgver}.${pkg.checksum}${e.name}`,
      type: 'file' as const,
      mode: e.mode & 0o7777,
      uid: e.uid,
      gid: e.gid,
      uname: e.uname,
      gname: e.gname,
      mtime: buildDate,
      pax: e.pax,
      data: e.data,
    }));
}

/** The archive bytes; with no scripts it is the 1024 zero bytes of an empty tar. */
export function scriptsTar(entries: readonly ScriptEntry[]): Buffer {
  return writeTar(entries);
}
