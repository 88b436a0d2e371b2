/**
 * Tar entry types shared by the APK reader/writer, the rootfs installer and
 * the layer writer. Type flags are POSIX ustar's.
 */

import type { SpooledData } from '../fs/spool';

/** The kinds of tar entry the engine understands. */
export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

/** A tar entry's header, normalized (PAX and GNU long names already applied). */
export interface TarHeader {
  /** Path as stored, without a leading `./` or `/`, directories without trailing `/`. */
  readonly name: string;
  readonly type: TarEntryType;
  /** Permission bits plus setuid/setgid/sticky (no file-type bits). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly uname: string;
  readonly gname: string;
  readonly size: number;
  /** Seconds since the epoch. */
  readonly mtime: number;
  /** Target of a symlink or hardlink. */
  readonly linkname: string;
  readonly devmajor: number;
  readonly devminor: number;
  /** PAX records other than the standard ones folded into the fields above, e.g. `APK-TOOLS.checksum.SHA1`. */
  readonly pax: Readonly<Record<string, string>>;
}

/** A header with its content (empty for everything but regular files). */
export interface TarEntry extends TarHeader {
  /** The content; empty when it is spooled. */
  readonly data: Buffer;
  /** Content kept on disk by the build (engine/fs/spool.ts); `data` is then empty. */
  readonly spooled?: SpooledData;
}

/** An entry's content, wherever it is kept. */
export function entryBytes(e: TarEntry): Buffer {
  return e.spooled ? e.spooled.read() : e.data;
}

/** The PAX record in which apk-tools and melange store a file's sha1. */
export const APK_SHA1_PAX = 'APK-TOOLS.checksum.SHA1';
