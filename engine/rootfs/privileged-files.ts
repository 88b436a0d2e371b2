/**
 * The files of an image that run with more than their caller's rights:
 * setuid or setgid regular files, and files carrying file capabilities
 * (`security.capability`, PAX `SCHILY.xattr.security.capability`). Packages
 * ship them legitimately (su, ping), so they are installed with their bits
 * kept, but every build reports them, so a package that gains one is seen.
 * Directories are left out: setgid on a directory only passes its group on.
 * The list is a pure function of the packages, so a build served from the
 * image store reports the same list as the build that made it.
 */
import type { ApkPackage } from '../apk/package';
import { compareBytes } from '../order';

/** The PAX record of a file capability set. */
export const CAPABILITY_PAX = 'SCHILY.xattr.security.capability';

/** One privileged file: its path in the image (no leading `/`), the package (`name-version`) and what it gains. */
export interface PrivilegedFile {
  readonly path: string;
  readonly package: string;
  readonly setuid: boolean;
  readonly setgid: boolean;
  readonly capabilities: boolean;
}

/** Every privileged file the packages install, sorted by path then package. */
export function privilegedFiles(packages: readonly ApkPackage[]): PrivilegedFile[] {
  const out: PrivilegedFile[] = [];
  for (const pkg of packages) {
    const id = `${pkg.pkginfo.pkgname}-${pkg.pkginfo.pkgver}`;
    for (const e of pkg.dataEntries) {
      if (e.type !== 'file' && e.type !== 'hardlink') continue;
      const setuid = (e.mode & 0o4000) !== 0;
      const setgid = (e.mode & 0o2000) !== 0;
      const capabilities = e.pax[CAPABILITY_PAX] !== undefined;
      if (setuid || setgid || capabilities) out.push({ path: e.name, package: id, setuid, setgid, capabilities });
    }
  }
  return out.sort((a, b) => compareBytes(a.path, b.path) || compareBytes(a.package, b.package));
}

/** Report lines for one architecture (none when it has no privileged file), e.g. `setuid/setgid files: usr/bin/su (busybox-1.36)`. */
export function privilegedFileLines(files: readonly PrivilegedFile[]): string[] {
  const list = (fs: readonly PrivilegedFile[]) => fs.map((f) => `${f.path} (${f.package})`).join(', ');
  const setid = files.filter((f) => f.setuid || f.setgid);
  const caps = files.filter((f) => f.capabilities);
  return [
    ...(setid.length > 0 ? [`setuid/setgid files: ${list(setid)}`] : []),
    ...(caps.length > 0 ? [`files with capabilities: ${list(caps)}`] : []),
  ];
}
