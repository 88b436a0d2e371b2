/**
 * Atomic writes: a reader sees the previous output or the complete new one,
 * never half of either. Bytes go to a temporary sibling (same directory, so
 * the rename stays on one filesystem), are fsynced, then renamed into place;
 * the temporary is removed in `finally` whatever happened.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isFsFault, outputFault } from './fault';

/** Bytes to write: one buffer, or chunks produced as they are written (a stream). */
export type FileBytes = Uint8Array | string | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/** A temp name beside `path` (`.<name>.<kind>-<pid>-<hex>`); randomness is fine here because it never reaches an output. */
export function tempSibling(path: string, kind: 'tmp' | 'old'): string {
  return join(dirname(path), `.${basename(path)}.${kind}-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/** Flushes a directory's entries to disk; some platforms cannot open a directory, which is not an error. */
export async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await fsp.open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // Windows cannot fsync a directory; the rename itself is still atomic there.
  } finally {
    await handle?.close();
  }
}

/** Writes `bytes` to a new file at `path` (mode 0644 unless given) and fsyncs it; the file must not exist yet. */
export async function writeFileSynced(path: string, bytes: FileBytes, mode = 0o644): Promise<number> {
  const handle = await fsp.open(path, 'wx', mode);
  let written = 0;
  try {
    if (typeof bytes === 'string' || bytes instanceof Uint8Array) {
      const buf = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
      await handle.writeFile(buf);
      written = buf.length;
    } else {
      for await (const chunk of bytes as AsyncIterable<Uint8Array>) {
        await handle.write(chunk);
        written += chunk.length;
      }
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return written;
}

/**
 * Copies `from` to the new file `path` and syncs it: a reflink where the file
 * system has them, else the kernel's own copy, so no byte passes through
 * this process.
 */
export async function copyFileSynced(from: string, path: string, mode = 0o644): Promise<void> {
  await fsp.copyFile(from, path, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
  const handle = await fsp.open(path, 'r+');
  try {
    await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces the file at `path` with `bytes` atomically; returns the number of
 * bytes written. A file-system failure (a full disk, a read-only mount, a
 * file where a directory should be) is an OutputError naming `path`, not the
 * temporary; a failure of the bytes' own source passes through unchanged.
 */
export async function writeFileAtomic(path: string, bytes: FileBytes, mode?: number): Promise<number> {
  const tmp = tempSibling(path, 'tmp');
  try {
    const written = await writeFileSynced(tmp, bytes, mode);
    await fsp.rename(tmp, path);
    await syncDir(dirname(path));
    return written;
  } catch (err) {
    throw isFsFault(err) ? outputFault(err, path) : err;
  } finally {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
  }
}

/**
 * Builds a directory with `build(tmpDir)` and swaps it in for `finalDir`.
 * If `build` throws, `finalDir` is untouched. The swap is two renames (old
 * aside, new in), because Node has no atomic directory exchange; if the second
 * fails the old directory is put back.
 */
export async function replaceDirAtomic(finalDir: string, build: (tmpDir: string) => Promise<void>): Promise<void> {
  const tmp = tempSibling(finalDir, 'tmp');
  const old = tempSibling(finalDir, 'old');
  await fsp.mkdir(dirname(finalDir), { recursive: true });
  try {
    await fsp.mkdir(tmp, { mode: 0o755 });
    await build(tmp);
    await syncDir(tmp);
    const hadOld = await fsp.rename(finalDir, old).then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return false;
        throw err;
      },
    );
    try {
      await fsp.rename(tmp, finalDir);
    } catch (err) {
      if (hadOld) await fsp.rename(old, finalDir);
      throw err;
    }
    await syncDir(dirname(finalDir));
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    await fsp.rm(old, { recursive: true, force: true });
  }
}
