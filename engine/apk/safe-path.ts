/**
 * Refuses tar entries that would land outside the tree a package is installed
 * into: absolute names and `..` components, in entry names and hardlink
 * targets. Symlink targets are not checked here: they are data that lives in
 * the image, resolved by the image's own filesystem (rootfs/tree.ts keeps
 * every resolution inside the tree). The check must see names as the archive
 * stores them, because `readTar` normalizes `/etc/passwd` to `etc/passwd`;
 * `rawTarNames` recovers them.
 *
 * `assertInstallableName` holds the rules for a name a package installs into
 * an image: no control or line-breaking character (the installed database is
 * line-based, and a newline in a name would forge a record), no whiteout
 * (`.wh.`) name, which OCI layering would turn into a deletion of another
 * package's file, and no name longer than Linux can create.
 */
import { UnsafePathError } from '../errors';
import { controlCharacterIn, escapeName } from '../tar/names';
import { readTarRaw } from '../tar/read';

const HINT = 'the package is malformed or hostile; do not install it, and tell its maintainer';

/** Linux's PATH_MAX (with its terminating NUL) and NAME_MAX, in bytes. */
export const MAX_PATH_BYTES = 4095;
export const MAX_NAME_BYTES = 255;

/** OCI layer whiteouts: `.wh.<name>` deletes `<name>`, `.wh..wh..opq` hides a directory's lower contents. */
const WHITEOUT_PREFIX = '.wh.';

/** One entry's name and link target exactly as the archive stores them (long names applied, nothing normalized). */
export interface RawTarName {
  readonly name: string;
  readonly linkname: string;
  /** The ustar type flag, e.g. `0`, `1` (hardlink), `2` (symlink), `5` (dir). */
  readonly flag: string;
}

function unsafeReason(name: string): string | undefined {
  if (name.startsWith('/')) return 'is an absolute path';
  if (name.split('/').includes('..')) return 'has a ".." component';
  return undefined;
}

/** Throws an UnsafePathError when a raw tar name is absolute or has a `..` component; `./usr/bin` is fine. */
export function assertSafeEntryName(name: string, subject: string): void {
  const reason = unsafeReason(name);
  if (reason !== undefined) {
    throw new UnsafePathError(`${subject}: tar entry "${escapeName(name)}" ${reason}`, { subject, entry: name, hint: HINT });
  }
}

/** Throws an UnsafePathError when a hardlink's target is absolute or has a `..` component. */
export function assertSafeHardlink(name: string, target: string, subject: string): void {
  const reason = unsafeReason(target);
  if (reason !== undefined) {
    throw new UnsafePathError(`${subject}: hardlink "${escapeName(name)}" points to "${escapeName(target)}", which ${reason}`, {
      subject,
      entry: name,
      hint: HINT,
    });
  }
}

/** Checks every entry name and hardlink target of an in-memory tar (already read once by `readTar`). */
export function assertSafeTarNames(tar: Buffer, subject: string): void {
  for (const e of rawTarNames(tar)) {
    assertSafeEntryName(e.name, subject);
    if (e.flag === '1') assertSafeHardlink(e.name, e.linkname, subject);
  }
}

/**
 * Throws an UnsafePathError when a package may not install `name` (tree form)
 * into an image; `linkname` is a symlink's or hardlink's target, which reaches
 * the same readers. `pkg` names the package (`name-version`).
 */
export function assertInstallableName(name: string, pkg: string, linkname = ''): void {
  const refuse = (why: string, hint: string): never => {
    throw new UnsafePathError(`${pkg}: tar entry "${escapeName(name)}" ${why}`, { subject: pkg, entry: name, hint });
  };
  const bad = controlCharacterIn(name);
  if (bad !== undefined) {
    refuse(`has a control or line-breaking character (${bad}) in its name`, `such a name would forge lines in the image's package database; ${HINT}`);
  }
  const badLink = controlCharacterIn(linkname);
  if (badLink !== undefined) {
    refuse(`links to "${escapeName(linkname)}", which has a control or line-breaking character (${badLink})`, HINT);
  }
  const base = name.split('/').pop() ?? '';
  if (base.startsWith(WHITEOUT_PREFIX)) {
    refuse('is an OCI whiteout name (.wh.*), which would delete or hide files of other packages once the image is layered', HINT);
  }
  const bytes = Buffer.byteLength(name);
  if (bytes > MAX_PATH_BYTES) refuse(`is ${bytes} bytes long, more than Linux's PATH_MAX (${MAX_PATH_BYTES})`, HINT);
  const long = name.split('/').find((c) => Buffer.byteLength(c) > MAX_NAME_BYTES);
  if (long !== undefined) refuse(`has a component of ${Buffer.byteLength(long)} bytes, more than Linux's NAME_MAX (${MAX_NAME_BYTES})`, HINT);
}

/** The raw names of a tar's entries, in the order `readTar` returns them (the same parser, so they never disagree). */
export function rawTarNames(tar: Buffer): RawTarName[] {
  return readTarRaw(tar).map((r) => ({ name: r.rawName, linkname: r.rawLink, flag: r.flag }));
}
