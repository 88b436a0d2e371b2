/**
 * Reads a package's output directory (`melange-out/<name>`) into the entries
 * the APK writer takes. Order is the writer's byte-wise depth-first order,
 * never readdir's. Modes are what the pipeline left on disk (steps run with
 * umask 022, so they do not depend on the caller's umask). Owners are
 * recorded as the tree has them, except that the building user (this
 * process's uid/gid on the host, melange's `build` user 1000:1000) becomes
 * root, as melange remaps its build user: files stay root-owned unless a
 * step chowned them to someone else. mtimes are not read at all; the writer
 * stamps the source date epoch on every entry.
 */
import { promises as fsp, type Stats } from 'node:fs';
import { join } from 'node:path';
import { sortForPackage, type ApkFileInput } from '../apk/package-write';
import { OutputError } from '../errors';
import { compareBytes } from '../order';

/** An entry of the output directory, with where it lives on disk. */
export interface DestEntry extends ApkFileInput {
  /** Absolute path on this machine. */
  readonly hostPath: string;
  /** Bytes of a regular file, or of a symlink's target. */
  readonly size: number;
}

/** How owner ids found on disk become the ids and names packaged. */
export interface OwnerMap {
  /** ids that become 0 (the building user and group). */
  readonly rootUids: ReadonlySet<number>;
  readonly rootGids: ReadonlySet<number>;
  /** Names for other ids, from the environment's accounts; unknown ids get no name. */
  readonly userNames: ReadonlyMap<number, string>;
  readonly groupNames: ReadonlyMap<number, string>;
}

async function walk(dir: string, rel: string, out: { rel: string; abs: string; st: Stats }[]): Promise<void> {
  const names = (await fsp.readdir(dir)).sort(compareBytes);
  for (const name of names) {
    const abs = join(dir, name);
    const r = rel === '' ? name : `${rel}/${name}`;
    const st = await fsp.lstat(abs);
    out.push({ rel: r, abs, st });
    if (st.isDirectory()) await walk(abs, r, out);
  }
}

/** Lists `dir` (recursively, the directory itself excluded) as APK entries. */
export async function readDestdir(dir: string, owners: OwnerMap): Promise<DestEntry[]> {
  const found: { rel: string; abs: string; st: Stats }[] = [];
  await walk(dir, '', found);
  const byPath = new Map(found.map((f) => [f.rel, f]));
  const sorted = sortForPackage(found.map((f) => ({ path: f.rel })));
  const firstLink = new Map<string, string>();
  const out: DestEntry[] = [];
  for (const { path } of sorted) {
    const { abs, st } = byPath.get(path)!;
    const uid = owners.rootUids.has(st.uid) ? 0 : st.uid;
    const gid = owners.rootGids.has(st.gid) ? 0 : st.gid;
    const owner = {
      uid,
      gid,
      uname: uid === 0 ? 'root' : (owners.userNames.get(uid) ?? ''),
      gname: gid === 0 ? 'root' : (owners.groupNames.get(gid) ?? ''),
    };
    const base = { path, hostPath: abs, mode: st.mode & 0o7777, ...owner };
    if (st.isDirectory()) {
      out.push({ ...base, type: 'dir', size: 0 });
    } else if (st.isSymbolicLink()) {
      const linkname = await fsp.readlink(abs);
      out.push({ ...base, type: 'symlink', linkname, size: Buffer.byteLength(linkname) });
    } else if (st.isFile()) {
      // A file with several names is stored once; later names (in package order) become hard links to the first.
      const inode = `${st.dev}:${st.ino}`;
      const first = st.nlink > 1 ? firstLink.get(inode) : undefined;
      if (first !== undefined) {
        out.push({ ...base, type: 'hardlink', linkname: first, size: 0 });
        continue;
      }
      if (st.nlink > 1) firstLink.set(inode, path);
      out.push({ ...base, type: 'file', data: await fsp.readFile(abs), size: st.size });
    } else {
      throw new OutputError(`cannot package ${path}: it is a socket, FIFO or device node, which apko-nx does not put into packages`, {
        file: abs,
        hint: 'remove it from the destination directory in the pipeline (or create it from an install script)',
      });
    }
  }
  return out;
}
