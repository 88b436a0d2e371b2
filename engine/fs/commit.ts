/**
 * Several outputs committed together or not at all. A build writes an image
 * (a layout directory or a tarball) and its SBOM files, often in different
 * directories; a reader must see the previous set or the new set, and a
 * failure anywhere (a full disk, a read-only mount, a path in the way) must
 * leave every previous file as it was. So each output is first staged under
 * a temporary name on its own file system (where the bytes are written and
 * where a full disk shows), and only when every one is staged are they
 * swapped in, each by renames; if a swap fails, the ones already swapped are
 * put back. Temporary names carry the writer's pid, so a later writer removes
 * what a killed one left behind (`sweepStale`).
 */
import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { errnoCode } from './fault';
import { syncDir, tempSibling, writeFileSynced, type FileBytes } from './atomic';

/** One output, staged: nothing of it is visible until `commit`. */
export interface Staged {
  /** The path the user named. */
  readonly target: string;
  /** Makes the staged output visible at `target`. */
  commit(): Promise<void>;
  /** Undoes a successful `commit`, putting the previous output back. */
  rollback(): Promise<void>;
  /** After every output is committed: removes the previous copy and the stage. */
  finish(): Promise<void>;
  /** Before or instead of commit: removes the stage. */
  discard(): Promise<void>;
}

const SIBLING = /^\.(.+)\.(tmp|old)-(\d+)-[0-9a-f]{12}$/;

/** True when a process with this pid exists (EPERM: it exists but is not ours to signal). */
export function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
}

/**
 * Removes the temporaries a killed writer left beside `target`. A killed
 * writer may also have died between its two renames, with the previous
 * output set aside and nothing in its place; that copy is put back.
 * Best effort: what cannot be removed is left for the next writer.
 */
export async function sweepStale(target: string): Promise<void> {
  const dir = dirname(target);
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const m = SIBLING.exec(name);
    if (m === null || m[1] !== basename(target) || alive(Number(m[3]))) continue;
    const p = join(dir, name);
    if (m[2] === 'old' && !(await exists(target))) {
      if (await fsp.rename(p, target).then(() => true, () => false)) continue;
    }
    await fsp.rm(p, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** True when something (even a dangling link) is at `p`. */
export async function exists(p: string): Promise<boolean> {
  return fsp.lstat(p).then(
    () => true,
    () => false,
  );
}

/** Renames, or reports that there was nothing to rename. */
async function renameIfPresent(from: string, to: string): Promise<boolean> {
  return fsp.rename(from, to).then(
    () => true,
    (err: unknown) => {
      if (errnoCode(err) === 'ENOENT') return false;
      throw err;
    },
  );
}

/** A staged sibling `tmp` swapped in for `target` by renames. */
function swapped(target: string, tmp: string, isDir: boolean): Staged {
  // Every previous copy set aside, in order: the first is the output as it was before this write.
  const olds: string[] = [];
  let committed = false;
  return {
    target,
    async commit() {
      for (let attempt = 0; ; attempt++) {
        const old = tempSibling(target, 'old');
        // A file keeps a hard link to its previous copy and is replaced by one rename, so it is never missing.
        const kept = isDir ? await renameIfPresent(target, old) : await fsp.link(target, old).then(() => true, (err: unknown) => (errnoCode(err) === 'ENOENT' ? false : renameIfPresent(target, old)));
        if (kept) olds.push(old);
        try {
          await fsp.rename(tmp, target);
          committed = true;
          await syncDir(dirname(target));
          return;
        } catch (err) {
          // Another writer put its own copy in place between our two renames: set it aside too; the last writer wins, whole.
          const raced = isDir && (errnoCode(err) === 'ENOTEMPTY' || errnoCode(err) === 'EEXIST');
          if (raced && attempt < 8) continue;
          if (olds.length > 0 && !(await exists(target))) await fsp.rename(olds[0]!, target).catch(() => undefined);
          throw err;
        }
      }
    },
    async rollback() {
      if (!committed) return;
      const gone = tempSibling(target, 'tmp');
      await renameIfPresent(target, gone);
      if (olds.length > 0) await fsp.rename(olds.shift()!, target);
      await fsp.rm(gone, { recursive: true, force: true });
      committed = false;
    },
    async finish() {
      for (const old of olds) await fsp.rm(old, { recursive: true, force: true });
    },
    async discard() {
      await fsp.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

/** Stages `bytes` for the file `target` (written and fsynced under a temporary sibling name). */
export async function stageFile(target: string, bytes: FileBytes): Promise<Staged> {
  // A directory where the file goes may hold anything; it is never set aside or removed to make room.
  if ((await fsp.lstat(target).catch(() => undefined))?.isDirectory()) {
    throw Object.assign(new Error(`EISDIR: ${target} is a directory`), { code: 'EISDIR', path: target });
  }
  await sweepStale(target);
  const tmp = tempSibling(target, 'tmp');
  try {
    await writeFileSynced(tmp, bytes);
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  return swapped(target, tmp, false);
}

/** Stages the directory `target` as `build` fills a temporary sibling. */
export async function stageDir(target: string, build: (tmpDir: string) => Promise<void>): Promise<Staged> {
  await sweepStale(target);
  const tmp = tempSibling(target, 'tmp');
  try {
    await fsp.mkdir(tmp, { mode: 0o755 });
    await build(tmp);
    await syncDir(tmp);
  } catch (err) {
    await fsp.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
  return swapped(target, tmp, true);
}

/** Wraps a staged output so that its commit errors pass through `map` (naming the output the user asked for). */
export function mapCommitErrors(s: Staged, map: (err: unknown) => Error): Staged {
  return {
    target: s.target,
    commit: () => s.commit().catch((err: unknown) => Promise.reject(map(err))),
    rollback: () => s.rollback(),
    finish: () => s.finish(),
    discard: () => s.discard(),
  };
}

/**
 * Stages every output in turn, then commits them all; if staging or any
 * commit fails, the committed ones are rolled back and every stage removed,
 * so the previous outputs are exactly as they were, and the error is rethrown.
 */
export async function commitTogether(stagers: ReadonlyArray<() => Promise<Staged>>): Promise<void> {
  const staged: Staged[] = [];
  const discardAll = async () => {
    for (const s of [...staged].reverse()) await s.discard().catch(() => undefined);
  };
  try {
    for (const stage of stagers) staged.push(await stage());
  } catch (err) {
    await discardAll();
    throw err;
  }
  const done: Staged[] = [];
  try {
    for (const s of staged) {
      await s.commit();
      done.push(s);
    }
  } catch (err) {
    for (const s of done.reverse()) await s.rollback().catch(() => undefined);
    await discardAll();
    throw err;
  }
  // Everything is in place; what is left is clean-up, which a later writer also does.
  for (const s of staged) await s.finish().catch(() => undefined);
}
