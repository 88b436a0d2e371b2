/**
 * File-system failures in words a user can act on. Node reports them as
 * bare errno codes (`ENOSPC: no space left on device, write`) naming a
 * temporary file the user never asked for; this turns one into a sentence
 * about the path the user did name and what to do about it. Used by every
 * writer of outputs and by the store.
 */
import { OutputError } from '../errors';

/** The errno code of a Node file-system error, if it has one. */
export function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof (err as { code: unknown }).code === 'string'
    ? (err as { code: string }).code
    : undefined;
}

/** What happened, per errno code, as the middle of a sentence. */
const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a component of the path is a file, not a directory',
  EISDIR: 'a directory is in the way',
  EEXIST: 'something else already exists there',
  ENOTEMPTY: 'a directory that is not empty is in the way',
  EBUSY: 'the path is busy (a mount point or in use)',
  EXDEV: 'the path is on another file system',
  EIO: 'an I/O error from the device',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENAMETOOLONG: 'the path is too long',
  ENOENT: 'a directory on the path does not exist',
  ELOOP: 'too many symbolic links on the path',
};

/** What to do, per errno code; `where` is the flag or setting that moves the write. */
function advice(code: string | undefined, where: string): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `free space on that file system or ${where}`;
    case 'EROFS':
      return `remount it read-write or ${where}`;
    case 'EACCES':
    case 'EPERM':
      return `make it writable for this user or ${where}`;
    case 'ENOTDIR':
    case 'EISDIR':
    case 'EEXIST':
    case 'ENOTEMPTY':
      return `remove what is in the way or ${where}`;
    default:
      return `check the path and the device, or ${where}`;
  }
}

/** The reason part of a message: the errno's meaning, or the error's own message when it has no code. */
export function faultReason(err: unknown): string {
  const code = errnoCode(err);
  if (code !== undefined && REASONS[code] !== undefined) return REASONS[code]!;
  return err instanceof Error ? err.message : String(err);
}

/** True for errors that are about the file system rather than about the bytes being written. */
export function isFsFault(err: unknown): boolean {
  const code = errnoCode(err);
  return code !== undefined && REASONS[code] !== undefined;
}

/**
 * An OutputError for a failed write of `path` (what the user named: the
 * layout directory, the tarball, an SBOM file). `what` says what was being
 * written ("the image", "the SBOM"); `where` how to write it elsewhere.
 */
export function outputFault(err: unknown, path: string, what?: string, where = 'choose another output path'): OutputError {
  const code = errnoCode(err);
  const subject = what === undefined ? path : `${what} to ${path}`;
  return new OutputError(`cannot write ${subject}: ${faultReason(err)}`, { file: path, cause: err, hint: advice(code, where) });
}

/** The hint for a cache directory that cannot be used. */
export function cacheAdvice(err: unknown): string {
  return advice(errnoCode(err), 'point --cache-dir (or APKO_CACHE_DIR) at another directory');
}
