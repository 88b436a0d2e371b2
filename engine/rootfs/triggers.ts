/**
 * `usr/lib/apk/db/triggers`: one line per package that declares triggers,
 * `<Q1 control checksum> <trigger paths…>` (apko `pkg/apk/apk/installed.go`: `updateTriggers`). melange writes all of a
 * package's triggers on one `.PKGINFO` line, which apko copies as one line.
 */
import type { ApkPackage } from '../apk/package';

/** The package's line, or '' when it has no triggers. */
export function triggerLine(pkg: ApkPackage): string {
  const triggers = pkg.pkginfo.triggers;
  return triggers.length === 0 ? '' : `${pkg.checksum} ${triggers.join(' ')}\n`;
}
