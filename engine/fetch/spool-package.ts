/**
 * A verified package with its large file contents moved to the build's
 * spool (engine/fs/spool.ts), so holding every package of an image costs
 * their metadata and small files, not their bytes. Small contents are
 * copied out of the inflated data section, which is then free to go.
 */
import type { ApkPackage } from '../apk/package';
import { SPOOL_MIN_BYTES, type ContentSpool } from '../fs/spool';

const EMPTY = Buffer.alloc(0);

/** `pkg` with file contents of SPOOL_MIN_BYTES or more in `spool`. */
export function spoolPackage(pkg: ApkPackage, spool: ContentSpool): ApkPackage {
  return {
    ...pkg,
    dataEntries: pkg.dataEntries.map((e) =>
      e.type === 'file' && e.data.length >= SPOOL_MIN_BYTES ? { ...e, data: EMPTY, spooled: spool.add(e.data) } : { ...e, data: e.data.length === 0 ? EMPTY : Buffer.from(e.data) },
    ),
  };
}
