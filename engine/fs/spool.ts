/**
 * File contents kept on disk instead of in memory while a build holds its
 * whole filesystem: package files are appended to one temporary file as
 * each package is read, and read back (in bounded chunks) when a layer is
 * written. Memory then holds the tree's metadata and small files only, not
 * the image. The spool file lives in the system temp directory, is private
 * to the process (0600) and is removed by `close()`.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Content at least this long is spooled; shorter content stays in memory (a copy, so it pins no larger buffer). */
export const SPOOL_MIN_BYTES = 4 * 1024;

/** How much is read back at a time. */
const READ_CHUNK = 1 << 20;

/** One file's content in the spool. */
export interface SpooledData {
  readonly size: number;
  /** The whole content (for the few readers that need it as one buffer: ELF headers, certificates). */
  read(): Buffer;
  /** The content in chunks of at most 1 MiB, for streaming writers and hashes. */
  chunks(): Generator<Buffer>;
}

/** A build's content spool. */
export class ContentSpool {
  private fd: number | undefined;
  private readonly dir: string;
  private end = 0;

  constructor(parent = tmpdir()) {
    this.dir = mkdtempSync(join(parent, 'apko-nx-spool-'));
    this.fd = openSync(join(this.dir, 'contents'), 'w+', 0o600);
  }

  /** Bytes spooled so far. */
  get size(): number {
    return this.end;
  }

  /** Appends `data` and returns its handle. */
  add(data: Uint8Array): SpooledData {
    const fd = this.open();
    const offset = this.end;
    for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done, offset + done);
    this.end += data.length;
    const size = data.length;
    const spool = this;
    return {
      size,
      read: () => spool.readRange(offset, size),
      *chunks() {
        for (let at = 0; at < size; at += READ_CHUNK) yield spool.readRange(offset + at, Math.min(READ_CHUNK, size - at));
      },
    };
  }

  /** Removes the spool; its handles cannot be read afterwards. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.dir, { recursive: true, force: true });
  }

  private open(): number {
    if (this.fd === undefined) throw new Error('the content spool was closed while the build still read it');
    return this.fd;
  }

  private readRange(offset: number, length: number): Buffer {
    const fd = this.open();
    const out = Buffer.allocUnsafe(length);
    for (let done = 0; done < length; ) {
      const n = readSync(fd, out, done, length - done, offset + done);
      if (n === 0) throw new Error(`the content spool ended at ${offset + done} of ${offset + length}`);
      done += n;
    }
    return out;
  }
}
