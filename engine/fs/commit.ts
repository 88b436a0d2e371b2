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
import { randomBytes } from 'node:crypto';
import { constants, promises as fsp } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
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

/** The prefix of the stage a directory replaced in place keeps inside itself. */
export const INSIDE_STAGE_PREFIX = '.apko-nx-stage-';

const SIBLING = /^\.(.+)\.(tmp|old)-(\d+)-[0-9a-f]{12}$/;

/** True when a process with this pid exists (EPERM: it exists but is not ours to signal). */
function alive(pid: number): boolean {
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

async function exists(p: string): Promise<boolean> {
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

/**
 * True when `dir` must be replaced from inside: it is a mount point (it
 * cannot be renamed, and a sibling would be on another file system) or its
 * parent is not writable (a writable bind mount in a read-only tree).
 */
export async function mustReplaceInside(dir: string): Promise<boolean> {
  const st = await fsp.stat(dir).catch(() => undefined);
  if (st === undefined || !st.isDirectory()) return false;
  const parent = await fsp.stat(dirname(dir));
  if (parent.dev !== st.dev || parent.ino === st.ino) return true;
  return fsp.access(dirname(dir), constants.W_OK).then(
    () => false,
    () => true,
  );
}

/** Every file under `root` (relative paths), skipping top-level names `skip` accepts. */
async function filesUnder(root: string, skip: (name: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await fsp.readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (d === root && skip(e.name)) continue;
      if (e.isDirectory()) await walk(p);
      else out.push(relative(root, p));
    }
  };
  await walk(root);
  return out;
}

const stageName = (name: string) => name.startsWith(INSIDE_STAGE_PREFIX);

/** Removes stages that killed writers left inside `dir`. */
async function sweepInside(dir: string): Promise<void> {
  for (const name of await fsp.readdir(dir).catch(() => [] as string[])) {
    const pid = Number(/^\.apko-nx-stage-(\d+)-/.exec(name)?.[1]);
    if (Number.isInteger(pid) && !alive(pid)) await fsp.rm(join(dir, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Stages the directory `dir` inside itself, for a directory that cannot be
 * swapped whole (`mustReplaceInside`). The new tree is built in a stage
 * directory within `dir`; commit moves its files into place, the names in
 * `last` at the end (a layout's `index.json`: until it moves, readers see
 * the previous image; after, the new one); finish removes the previous files
 * the new tree does not have. A writer killed midway leaves a complete
 * previous or new tree plus files no index names, which the next write removes.
 */
export async function stageDirInside(dir: string, build: (stageDir: string) => Promise<void>, opts: { last?: readonly string[] } = {}): Promise<Staged> {
  await sweepInside(dir);
  const stage = join(dir, `${INSIDE_STAGE_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
  const tree = join(stage, 'tree');
  const aside = join(stage, 'old');
  try {
    await fsp.mkdir(tree, { recursive: true });
    await build(tree);
  } catch (err) {
    await fsp.rm(stage, { recursive: true, force: true });
    throw err;
  }
  const last = new Set(opts.last ?? []);
  const files = (await filesUnder(tree, () => false)).sort((a, b) => Number(last.has(a)) - Number(last.has(b)));
  const moved: { rel: string; hadOld: boolean }[] = [];
  const madeDirs: string[] = [];
  return {
    target: dir,
    async commit() {
      try {
        await moveIn();
      } catch (err) {
        await undo();
        throw err;
      }
    },
    rollback: undo,
    async finish() {
      const keep = new Set(files);
      for (const rel of await filesUnder(dir, stageName)) if (!keep.has(rel)) await fsp.rm(join(dir, rel), { force: true });
      await fsp.rm(stage, { recursive: true, force: true });
      await syncDir(dir);
    },
    async discard() {
      await fsp.rm(stage, { recursive: true, force: true });
    },
  };
  async function moveIn(): Promise<void> {
      for (const rel of files) {
        const parent = dirname(join(dir, rel));
        if (!(await exists(parent))) {
          await fsp.mkdir(parent, { recursive: true });
          madeDirs.push(parent);
        }
        await fsp.mkdir(dirname(join(aside, rel)), { recursive: true });
        const hadOld = await fsp.link(join(dir, rel), join(aside, rel)).then(
          () => true,
          (err: unknown) => {
            if (errnoCode(err) === 'ENOENT') return false;
            throw err;
          },
        );
        await fsp.rename(join(tree, rel), join(dir, rel));
        moved.push({ rel, hadOld });
      }
      await syncDir(dir);
  }
  async function undo(): Promise<void> {
    for (const { rel, hadOld } of moved.splice(0).reverse()) {
      if (hadOld) await fsp.rename(join(aside, rel), join(dir, rel));
      else await fsp.rm(join(dir, rel), { force: true });
    }
    for (const d of madeDirs.splice(0).reverse()) await fsp.rmdir(d).catch(() => undefined);
  }
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
