/**
 * A content-addressed store on cacache. cacache writes content to a temp file
 * and renames it into place and appends hashed index lines, so processes
 * sharing one directory never see a half-written entry; reads re-hash the
 * content. A corrupt entry is removed and reported as a miss: callers refetch,
 * they never receive bytes that fail their integrity check.
 *
 * A cache is an accelerator, never a reason for a build to fail: a cache
 * directory that cannot be read (a file in its place, permission denied, an
 * I/O error) reads as a miss, and one that cannot be written (a full disk, a
 * read-only mount) stops being written for the rest of the run. Each is
 * reported once, through `onUnavailable`, naming the directory and what to
 * do. cacache's own writes are a temp file renamed into place and a hashed
 * index line, so a write that fails midway leaves no entry at all.
 */
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import * as cacache from 'cacache';
import { cacheAdvice, errnoCode, faultReason } from '../fs/fault';
import { pendingKey } from './keys';

/** Small string facts kept with an entry, such as the HTTP ETag. */
export type StoreMetadata = Readonly<Record<string, string>>;

/** A verified hit. */
export interface StoreEntry {
  readonly data: Buffer;
  readonly metadata: StoreMetadata;
  /** The content's subresource-integrity string (sha512). */
  readonly integrity: string;
}

/** The store's operations; keys come from `engine/store/keys.ts`. */
export interface Store {
  /** The cache directory. */
  readonly dir: string;
  /** The entry under `key`, integrity-checked, or undefined on a miss (a corrupt entry counts as a miss). */
  get(key: string): Promise<StoreEntry | undefined>;
  /** Stores `data` under `key` atomically, replacing any previous entry. */
  put(key: string, data: Uint8Array, metadata?: StoreMetadata): Promise<void>;
  /**
   * Where the content under `key` lies, without reading it: for blobs too
   * large to hold in memory. The bytes are not checked here; the reader
   * checks them against the digest it expects (engine/cache/stored-file.ts).
   */
  getFile(key: string): Promise<StoredFile | undefined>;
  /** Stores the bytes `source` yields under `key` atomically, never holding them all in memory. */
  putStream(key: string, source: AsyncIterable<Uint8Array>, metadata?: StoreMetadata): Promise<void>;
  /**
   * Streams `source` into the store and files it under `keyOf()`, asked once
   * the stream has ended: for bytes named by their own digest, written once
   * with no copy beside the store. Undefined when the store cannot keep them
   * (not writable: `source` is then left unread; a write failing midway: the
   * bytes read so far are lost, and the caller makes them again).
   */
  putStreamNamed(source: AsyncIterable<Uint8Array>, keyOf: () => string, metadata?: StoreMetadata): Promise<StoredFile | undefined>;
  /** Forgets `key` (its content stays until no entry uses it and the cache is verified). */
  remove(key: string): Promise<void>;
  /** Removes `key` and its content file, found not to be the bytes it was stored as (reported through onCorrupt). */
  discard(key: string, file: Pick<StoredFile, 'path' | 'integrity'>, why?: Error): Promise<void>;
}

/** An entry's content file (immutable: content is addressed by its hash and never rewritten). */
export interface StoredFile {
  readonly path: string;
  readonly size: number;
  readonly metadata: StoreMetadata;
  readonly integrity: string;
}

/** A cache directory that could not be used for reading or writing. */
export interface StoreProblem {
  readonly op: 'read' | 'write';
  readonly dir: string;
  /** A full sentence naming the directory and the reason. */
  readonly message: string;
  /** What to do about it. */
  readonly hint: string;
  readonly error: unknown;
}

/** How the store reports what it repaired. */
export interface StoreOptions {
  /** Called when a corrupt entry was found and removed. */
  onCorrupt?: (key: string, error: Error) => void;
  /** Called once per kind of operation when the cache directory cannot be read or written; the run goes on without it. */
  onUnavailable?: (problem: StoreProblem) => void;
}

const CORRUPT = new Set(['EINTEGRITY', 'EBADSIZE']);

function codeOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

/** Reads only string values back, so metadata from a foreign or older writer cannot smuggle other types in. */
function stringsOnly(value: unknown): StoreMetadata {
  const out: Record<string, string> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

class CacacheStore implements Store {
  private readonly reported = new Set<StoreProblem['op']>();
  private writable = true;

  constructor(
    readonly dir: string,
    private readonly opts: StoreOptions,
  ) {}

  /**
   * The real reason a write failed: cacache reports a temp directory it could
   * not create as a missing one (ENOENT), so the directory itself is asked.
   */
  private async whyNotWritable(error: unknown): Promise<unknown> {
    if (errnoCode(error) !== 'ENOENT') return error;
    try {
      await mkdir(this.dir, { recursive: true });
      await access(this.dir, constants.W_OK);
      return error;
    } catch (probe) {
      return probe;
    }
  }

  private async unavailable(op: StoreProblem['op'], failure: unknown): Promise<void> {
    if (op === 'write') this.writable = false;
    if (this.reported.has(op)) return;
    this.reported.add(op);
    const error = op === 'write' ? await this.whyNotWritable(failure) : failure;
    const message =
      op === 'write'
        ? `the cache ${this.dir} cannot be written (${faultReason(error)}); going on without storing what this run fetches and builds`
        : `the cache ${this.dir} cannot be read (${faultReason(error)}); going on without it`;
    this.opts.onUnavailable?.({ op, dir: this.dir, message, hint: cacheAdvice(error), error });
  }

  async get(key: string): Promise<StoreEntry | undefined> {
    try {
      return await this.read(key);
    } catch (err) {
      await this.unavailable('read', err);
      return undefined;
    }
  }

  private async read(key: string): Promise<StoreEntry | undefined> {
    let info: cacache.CacheObject | null;
    try {
      info = await cacache.get.info(this.dir, key);
    } catch (err) {
      if (codeOf(err) === 'ENOENT') return undefined;
      throw err;
    }
    if (info === null) return undefined;
    try {
      const data = await cacache.get.byDigest(this.dir, info.integrity, { memoize: false });
      return { data, metadata: stringsOnly(info.metadata), integrity: info.integrity };
    } catch (err) {
      if (codeOf(err) === 'ENOENT') return undefined; // content vanished (another process repaired it)
      if (!CORRUPT.has(codeOf(err) ?? '')) throw err;
      await this.discard(key, info, err as Error);
      return undefined;
    }
  }

  async put(key: string, data: Uint8Array, metadata: StoreMetadata = {}): Promise<void> {
    if (!this.writable) return;
    try {
      await cacache.put(this.dir, key, Buffer.from(data.buffer, data.byteOffset, data.byteLength), { metadata: { ...metadata } });
    } catch (err) {
      await this.unavailable('write', err);
    }
  }

  async getFile(key: string): Promise<StoredFile | undefined> {
    try {
      const info = await cacache.get.info(this.dir, key);
      if (info === null) return undefined;
      const st = await stat(info.path);
      return { path: info.path, size: st.size, metadata: stringsOnly(info.metadata), integrity: info.integrity };
    } catch (err) {
      if (codeOf(err) === 'ENOENT') return undefined;
      await this.unavailable('read', err);
      return undefined;
    }
  }

  async putStream(key: string, source: AsyncIterable<Uint8Array>, metadata: StoreMetadata = {}): Promise<void> {
    if (!this.writable) {
      for await (const _ of source) void _; // the caller's stream still runs to its end
      return;
    }
    // A failure of the source is the caller's and is thrown; only a failure of the cache makes it unavailable.
    let sourceError: { error: unknown } | undefined;
    // Only errors from the source's own next() count as its: a failed destination is thrown into this generator too.
    async function* guarded(): AsyncGenerator<Uint8Array> {
      const it = source[Symbol.asyncIterator]();
      try {
        for (;;) {
          let next: IteratorResult<Uint8Array>;
          try {
            next = await it.next();
          } catch (error) {
            sourceError = { error };
            throw error;
          }
          if (next.done === true) return;
          yield next.value;
        }
      } finally {
        await it.return?.();
      }
    }
    try {
      await pipeline(Readable.from(guarded(), { objectMode: false }), cacache.put.stream(this.dir, key, { metadata: { ...metadata } }));
    } catch (err) {
      if (sourceError) throw sourceError.error;
      await this.unavailable('write', err);
    }
  }

  async putStreamNamed(source: AsyncIterable<Uint8Array>, keyOf: () => string, metadata: StoreMetadata = {}): Promise<StoredFile | undefined> {
    if (!this.writable) return undefined;
    // The content goes in under a key of its own until its name is known; the entry is then filed under the name.
    const provisional = pendingKey(`${process.pid}:${randomBytes(8).toString('hex')}`);
    await this.putStream(provisional, source, metadata);
    // A write that failed midway made the store unwritable: nothing was kept.
    if (!this.writable) return undefined;
    let name: string;
    try {
      const info = await cacache.get.info(this.dir, provisional);
      if (info === null) return undefined;
      name = keyOf();
      await cacache.index.insert(this.dir, name, info.integrity, { size: info.size ?? (await stat(info.path)).size, metadata: { ...metadata } });
    } catch (err) {
      await this.unavailable('write', err);
      return undefined;
    } finally {
      await cacache.rm.entry(this.dir, provisional).catch(() => undefined);
    }
    return this.getFile(name);
  }

  async discard(key: string, file: Pick<StoredFile, 'path' | 'integrity'>, why?: Error): Promise<void> {
    // Content is addressed by its hash and never overwritten, so a bad file would be served forever unless removed.
    await cacache.rm.entry(this.dir, key).catch(() => undefined);
    await cacache.rm.content(this.dir, file.integrity).catch(() => undefined);
    this.opts.onCorrupt?.(key, why ?? new Error(`${file.path} does not hold the bytes stored under ${key}`));
  }

  async remove(key: string): Promise<void> {
    if (!this.writable) return;
    try {
      await cacache.rm.entry(this.dir, key);
    } catch (err) {
      await this.unavailable('write', err);
    }
  }
}

/** Opens (creating on first write) the store in `dir`. */
export function openStore(dir: string, opts: StoreOptions = {}): Store {
  return new CacacheStore(dir, opts);
}
