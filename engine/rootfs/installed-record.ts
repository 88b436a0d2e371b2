/**
 * The installed-database record apko writes for one package: header lines
 * from `.PKGINFO` in apko's fixed order, then the package's files in
 * `pathCompare` order with `M:`/`a:` ownership and `Z:` checksums.
 *
 * The database is line-based and scanners trust it, so no value may hold a
 * control or line-breaking character: a newline in a file name or a
 * `.PKGINFO` value would end the line and start a forged one (`P:other`).
 * Every line is checked here, the one place the record is made, whatever
 * field it came from.
 */
import { q1FromSha1Hex } from '../digest';
import { FormatError } from '../errors';
import { controlCharacterIn, escapeName } from '../tar/names';
import type { ApkPackage } from '../apk/package';
import { APK_SHA1_PAX, type TarHeader } from '../tar/types';
import { recordFromLines, type InstalledLine, type InstalledRecord } from './installed-db';
import { orderForDatabase } from './path-order';

/** The header fields of a tar entry the database records. */
export type DatabaseEntry = Pick<TarHeader, 'name' | 'type' | 'mode' | 'uid' | 'gid' | 'pax'>;

function octal4(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** `Z:` value from the PAX checksum; melange writes hex, an old apko wrote `Q1…` already. */
function checksumOf(e: DatabaseEntry): string | undefined {
  const sum = e.pax[APK_SHA1_PAX];
  if (!sum) return undefined;
  return sum.startsWith('Q1') ? sum : q1FromSha1Hex(sum);
}

/** The header lines: `P V A L T o m U D p [r] c i t S I k [C]`. */
export function headerLines(pkg: ApkPackage): InstalledLine[] {
  const p = pkg.pkginfo;
  const out: InstalledLine[] = [];
  const put = (key: string, value: string | number): void => void out.push({ key, value: String(value) });
  put('P', p.pkgname);
  put('V', p.pkgver);
  put('A', p.arch);
  // apko maps .PKGINFO with go-ini, whose scalar fields take the first of repeated keys.
  put('L', p.license[0] ?? '');
  put('T', p.pkgdesc ?? '');
  put('o', p.origin ?? '');
  put('m', p.maintainer ?? '');
  put('U', p.url ?? '');
  put('D', p.depend.join(' '));
  put('p', p.provides.join(' '));
  if (p.replaces.length > 0) put('r', p.replaces.join(' '));
  put('c', p.commit ?? '');
  // Go's %s of a []string: apko's quirk, kept so the bytes match.
  put('i', `[${p.install_if.join(' ')}]`);
  put('t', p.builddate ?? 0);
  put('S', pkg.size);
  put('I', p.size);
  put('k', p.provider_priority ?? 0);
  if (pkg.checksum) put('C', pkg.checksum);
  return out;
}

/** The file lines for `entries` (already filtered of files another package took over). */
export function fileLines(entries: readonly DatabaseEntry[]): InstalledLine[] {
  const out: InstalledLine[] = [];
  let needTopDir = true;
  for (const e of orderForDatabase(entries)) {
    const perm = e.mode & 0o7777;
    if (e.type === 'dir') {
      out.push({ key: 'F', value: e.name });
      if (perm !== 0o755 || e.uid !== 0 || e.gid !== 0) out.push({ key: 'M', value: `${e.uid}:${e.gid}:${octal4(perm)}` });
      needTopDir = false;
      continue;
    }
    // A file at the top level needs a directory line to hang from.
    if (needTopDir) out.push({ key: 'F', value: '' });
    needTopDir = false;
    out.push({ key: 'R', value: e.name.split('/').pop()! });
    if (perm !== 0o644 || e.uid !== 0 || e.gid !== 0) out.push({ key: 'a', value: `${e.uid}:${e.gid}:${octal4(perm)}` });
    const z = checksumOf(e);
    if (z) out.push({ key: 'Z', value: z });
  }
  return out;
}

const FIELD: Record<string, string> = {
  P: 'pkgname', V: 'pkgver', A: 'arch', L: 'license', T: 'pkgdesc', o: 'origin', m: 'maintainer', U: 'url', D: 'depend',
  p: 'provides', r: 'replaces', c: 'commit', i: 'install_if', F: 'directory name', R: 'file name',
};

/** Refuses a line whose value would break the database's line structure. */
function assertOneLine(pkg: ApkPackage, line: InstalledLine): void {
  const bad = controlCharacterIn(line.value);
  if (bad === undefined) return;
  const id = `${pkg.pkginfo.pkgname}-${pkg.pkginfo.pkgver}`;
  const what = FIELD[line.key] ?? `${line.key}: value`;
  throw new FormatError(`${id}: its ${what} "${escapeName(line.value)}" has a control or line-breaking character (${bad}), which would forge lines in the installed database`, {
    file: id,
    hint: 'the package is malformed or hostile; do not install it, and tell its maintainer',
  });
}

/** The whole record for a package and the entries it keeps. */
export function installedRecord(pkg: ApkPackage, entries: readonly DatabaseEntry[]): InstalledRecord {
  const lines = [...headerLines(pkg), ...fileLines(entries)];
  for (const line of lines) assertOneLine(pkg, line);
  return recordFromLines(lines, `installed record of ${pkg.pkginfo.pkgname}`);
}
