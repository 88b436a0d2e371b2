/**
 * Replacing a directory from inside, for one that cannot be swapped whole:
 * a mount point (it cannot be renamed, and a sibling would be on another
 * file system) or one whose parent is read-only (a writable bind mount in a
 * read-only tree). The new tree is staged inside the directory itself, on
 * its own file system, and moved into place file by file with one file (a
 * layout's `index.json`) last as the commit point. See commit.ts for the
 * whole-output protocol this is one `Staged` of.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fsp } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { alive, exists, type Staged } from './commit';
import { syncDir } from './atomic';
import { errnoCode } from './fault';

/** The prefix of the stage a directory replaced in place keeps inside itself. */
export const INSIDE_STAGE_PREFIX = '.apko-nx-stage-';

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
