/**
 * File contents kept on disk instead of in memory while a build holds its
 * whole filesystem: package files are appended to one temporary file as
 * each package is read, and read back (in bounded chunks) when a layer is
 * written. Memory then holds the tree's metadata and small files only, not
 * the image. The spool file lives in the system temp directory, is private
 * to the process (0600) and is removed by `close()`.
 *
 * Appending never blocks this thread: each write runs on libuv's thread
 * pool (a slow disk then costs a pool thread, not the build's one), and a
 * content whose write is still pending is read from the buffer it came
 * from. `drained()` lets a producer wait while too much is pending, which
 * bounds the memory held by queued writes.
 */
import { close, closeSync, mkdtempSync, openSync, readSync, rmSync, write } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Content at least this long is spooled; shorter content stays in memory (a copy, so it pins no larger buffer). */
export const SPOOL_MIN_BYTES = 4 * 1024;

/** How much is read back at a time. */
const READ_CHUNK = 1 << 20;

/** Bytes whose writes may be pending before `drained()` makes a producer wait. */
export const SPOOL_MAX_PENDING_BYTES = 16 * 1024 * 1024;

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
  private pendingBytes = 0;
  private failure: Error | undefined;
  /** Resolved when the pending bytes fall to the limit (or to none). */
  private waiters: Array<{ below: number; resolve: () => void; reject: (e: Error) => void }> = [];

  constructor(parent = tmpdir()) {
    this.dir = mkdtempSync(join(parent, 'apko-nx-spool-'));
    this.fd = openSync(join(this.dir, 'contents'), 'w+', 0o600);
  }

  /** Bytes spooled so far. */
  get size(): number {
    return this.end;
  }

  /** Appends `data` (written in the background; `data` must not change until then) and returns its handle. */
  add(data: Uint8Array): SpooledData {
    this.open();
    const offset = this.end;
    const size = data.length;
    this.end += size;
    // Until its write completes, the content is served from `data`; afterwards from the file, and `data` is let go.
    const slot: { pending?: Uint8Array } = { pending: data };
    this.writeInBackground(slot, offset);
    return this.handle(slot, offset, size);
  }

  /** The handle of one content. Its closures hold `slot`, never the data itself, so written data can be collected. */
  private handle(slot: { pending?: Uint8Array }, offset: number, size: number): SpooledData {
    const range = (at: number, length: number) => {
      this.open();
      const pending = slot.pending;
      return pending !== undefined ? Buffer.from(pending.subarray(at, at + length)) : this.readRange(offset + at, length);
    };
    return {
      size,
      read: () => range(0, size),
      *chunks() {
        for (let at = 0; at < size; at += READ_CHUNK) yield range(at, Math.min(READ_CHUNK, size - at));
      },
    };
  }

  private writeInBackground(slot: { pending?: Uint8Array }, offset: number): void {
    const fd = this.fd!;
    const data = slot.pending!;
    const size = data.length;
    this.pendingBytes += size;
    const done = (err: Error | null) => {
      slot.pending = undefined;
      this.pendingBytes -= size;
      if (err) this.failure ??= new Error(`the build's content spool in ${this.dir} could not be written: ${err.message}`);
      this.wake();
    };
    const writeFrom = (at: number): void => {
      if (at >= size) return done(null);
      write(fd, data, at, size - at, offset + at, (err, n) => (err ? done(err) : writeFrom(at + n)));
    };
    writeFrom(0);
  }

  /** Resolves once at most `below` bytes are waiting to be written; rejects when a write failed. */
  drained(below = SPOOL_MAX_PENDING_BYTES): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pendingBytes <= below) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ below, resolve, reject }));
  }

  /** Removes the spool; its handles cannot be read afterwards. Writes still in flight finish into the removed file, whose descriptor is then closed. */
  close(): void {
    const fd = this.fd;
    this.fd = undefined;
    rmSync(this.dir, { recursive: true, force: true });
    if (fd === undefined) return;
    if (this.pendingBytes === 0) return closeSync(fd);
    const closeFd = () => close(fd, () => {});
    this.waiters.push({ below: 0, resolve: closeFd, reject: closeFd });
  }

  private wake(): void {
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (this.failure) w.reject(this.failure);
      else if (this.pendingBytes <= w.below) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  private open(): number {
    if (this.failure) throw this.failure;
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
