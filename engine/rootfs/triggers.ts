/**
 * `usr/lib/apk/db/triggers`: one line per package that declares triggers,
 * `<Q1 control checksum> <trigger paths…>` (apko `pkg/apk/apk/installed.go`: `updateTriggers`). melange writes all of a
 * package's triggers on one `.PKGINFO` line, which apko copies as one line.
 */
import type { ApkPackage } from '../apk/package';
import { FormatError } from '../errors';
import { controlCharacterIn, escapeName } from '../tar/names';

/** The package's line, or '' when it has no triggers; a trigger that would break the line is refused. */
export function triggerLine(pkg: ApkPackage): string {
  const triggers = pkg.pkginfo.triggers;
  for (const t of triggers) {
    const bad = controlCharacterIn(t);
    if (bad === undefined) continue;
    const id = `${pkg.pkginfo.pkgname}-${pkg.pkginfo.pkgver}`;
    throw new FormatError(`${id}: trigger "${escapeName(t)}" has a control or line-breaking character (${bad})`, {
      file: id,
      hint: 'the package is malformed or hostile; do not install it, and tell its maintainer',
    });
  }
  return triggers.length === 0 ? '' : `${pkg.checksum} ${triggers.join(' ')}\n`;
}
