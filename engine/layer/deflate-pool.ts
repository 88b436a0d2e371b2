/**
 * The process-wide worker threads that deflate layer blocks. Workers are
 * started on first use, at most as many as a caller asks for (one pool per
 * size, so a run asked for one worker uses one thread), and are unreferenced
 * while idle so they never keep a process alive, and ended after 10 s idle. `closeDeflatePools()` ends
 * them (tests, or a library user that wants the threads gone now).
 *
 * The worker body is a plain-JS string run with `eval: true`, needing only
 * node:zlib and the block deflater's source (deflate-block.ts): it works the same from compiled dist/ and from TypeScript run
 * by vitest, where a worker given a .ts file would not be transformed.
 */
import { Worker } from 'node:worker_threads';
import { BLOCK_KEY_SOURCE, DEFLATE_BLOCK_SOURCE } from './deflate-block';

/** One block to deflate. `input` is transferred to the worker (detached here). */
export interface DeflateJob {
  readonly input: Uint8Array;
  /** The input bytes before this block (at most 32 KiB), used as the preset dictionary. */
  readonly dictionary?: Uint8Array;
  readonly level: number;
  /** The last block ends the stream (final bit set); every other ends on a byte boundary (sync flush). */
  readonly last: boolean;
  /** Keys of blocks the caller holds deflated, as 32-byte digests in a shared buffer: a block with one of them is answered without its bytes. */
  readonly known?: Uint8Array;
}

/** A block's key (deflate-block.ts `blockKey`), the CRC-32 of its input, and its raw deflate bytes unless it was known. */
export interface DeflatedBlock {
  readonly key: string;
  readonly crc: number;
  readonly data?: Buffer;
  /** Hex sha256 of `data`. */
  readonly sha256?: string;
}

const WORKER_BODY = `
'use strict';
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const zlib = require('node:zlib');
const deflateBlock = ${DEFLATE_BLOCK_SOURCE};
const blockKey = ${BLOCK_KEY_SOURCE};
// Whether the 32-byte key is one of the known keys (32-byte digests one after another).
const knownKey = (known, key) => {
  const all = Buffer.from(known.buffer, known.byteOffset, known.byteLength);
  for (let at = all.indexOf(key); at >= 0; at = all.indexOf(key, at + 1)) if (at % 32 === 0) return true;
  return false;
};
parentPort.on('message', (job) => {
  try {
    const key = blockKey(crypto, job.dictionary, job.input, job.level, job.last, process.versions.zlib);
    const crc = zlib.crc32(job.input);
    // A block the caller already holds deflated is not deflated again.
    if (job.known && knownKey(job.known, Buffer.from(key, 'hex'))) return parentPort.postMessage({ key, crc });
    const out = deflateBlock(zlib, job.input, job.dictionary, job.level, job.last);
    const data = new Uint8Array(out.length);
    data.set(out);
    const sha256 = crypto.createHash('sha256').update(data).digest('hex');
    parentPort.postMessage({ data, crc, key, sha256 }, [data.buffer]);
  } catch (err) {
    parentPort.postMessage({ error: String((err && err.message) || err) });
  }
});
`;

interface Task {
  readonly job: DeflateJob;
  readonly resolve: (b: DeflatedBlock) => void;
  readonly reject: (e: Error) => void;
}

/**
 * Blocks each worker holds at once: the next one is already in its queue
 * when it posts a result, so it never waits for this thread to be scheduled
 * (on a loaded machine, with one block each, a worker sat idle waiting for much of the time).
 */
const PER_WORKER = 2;

/** A worker idle this long is ended, so a long-lived process (an Nx daemon) does not keep idle threads. */
const IDLE_MS = 10_000;

interface Slot {
  readonly worker: Worker;
  /** Posted to the worker, answered in order. */
  readonly tasks: Task[];
  idle?: NodeJS.Timeout;
}

class DeflatePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private closed = false;

  constructor(private readonly size: number) {}

  run(job: DeflateJob): Promise<DeflatedBlock> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.pump();
    });
  }

  close(): Promise<unknown> {
    this.closed = true;
    for (const s of this.slots) clearTimeout(s.idle);
    for (const t of this.queue.splice(0)) t.reject(new Error('the layer compression worker threads were closed before this block was deflated'));
    return Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  /** An idle worker, else a new one while under size, else the least loaded one with room. */
  private slotWithRoom(): Slot | undefined {
    let best: Slot | undefined;
    for (const s of this.slots) if (s.tasks.length < PER_WORKER && (best === undefined || s.tasks.length < best.tasks.length)) best = s;
    if ((best === undefined || best.tasks.length > 0) && this.slots.length < this.size) return this.start();
    return best;
  }

  private pump(): void {
    while (!this.closed && this.queue.length > 0) {
      const slot = this.slotWithRoom();
      if (slot === undefined) return;
      const task = this.queue.shift()!;
      if (slot.tasks.push(task) === 1) {
        clearTimeout(slot.idle);
        slot.worker.ref();
      }
      const { input, dictionary, level, last, known } = task.job;
      // Transfer a block that owns its whole buffer; copy one that shares it.
      const owns = input.byteOffset === 0 && input.byteLength === input.buffer.byteLength;
      const sent = owns ? input : new Uint8Array(input);
      slot.worker.postMessage({ input: sent, dictionary, level, last, ...(known ? { known } : {}) }, [sent.buffer as ArrayBuffer]);
    }
  }

  /** Ends an idle worker; the next block starts a new one. */
  private retire(slot: Slot): void {
    const at = this.slots.indexOf(slot);
    if (at < 0 || slot.tasks.length > 0) return;
    this.slots.splice(at, 1);
    void slot.worker.terminate();
  }

  private start(): Slot {
    const slot: Slot = { worker: new Worker(WORKER_BODY, { eval: true }), tasks: [] };
    this.slots.push(slot);
    slot.worker.unref();
    slot.worker.on('message', (m: { data?: Uint8Array; crc?: number; key?: string; sha256?: string; error?: string }) => {
      const task = slot.tasks.shift();
      if (slot.tasks.length === 0) {
        slot.worker.unref();
        slot.idle = setTimeout(() => this.retire(slot), IDLE_MS).unref();
      }
      if (task !== undefined) {
        if (m.error !== undefined || m.key === undefined) task.reject(new Error(`deflating a layer block failed in a worker thread: ${m.error ?? 'no answer'}`));
        else if (m.data === undefined) task.resolve({ key: m.key, crc: m.crc! >>> 0 });
        else task.resolve({ key: m.key, crc: m.crc! >>> 0, data: Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength), sha256: m.sha256! });
      }
      this.pump();
    });
    const lost = (why: string) => {
      const at = this.slots.indexOf(slot);
      if (at < 0) return;
      this.slots.splice(at, 1);
      const error = new Error(`a layer compression worker thread ${why}; the build can be rerun, or run with APKO_NX_COMPRESS_WORKERS=1 to rule the threads out`);
      for (const t of slot.tasks.splice(0)) t.reject(error);
      this.pump();
    };
    slot.worker.on('error', (e) => lost(`failed: ${e.message}`));
    slot.worker.on('exit', (code) => lost(`exited with code ${code}`));
    return slot;
  }
}

const pools = new Map<number, DeflatePool>();

/** Deflates one block on a pool of `workers` threads (started on first use). */
export function deflateInWorker(job: DeflateJob, workers: number): Promise<DeflatedBlock> {
  let pool = pools.get(workers);
  if (pool === undefined) pools.set(workers, (pool = new DeflatePool(workers)));
  return pool.run(job);
}

/** Ends every worker thread; the next block starts new ones. */
export async function closeDeflatePools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.close()));
}
