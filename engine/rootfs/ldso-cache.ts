/**
 * /etc/ld.so.cache, as apko generates it (`updateCache` in
 * pkg/build/build_implementation.go and its internal/ldso-cache): glibc's
 * dynamic loader looks libraries up in this file first, and an image never
 * runs `ldconfig`. When the image has /etc/ld.so.conf, the cache lists the
 * shared objects of `/lib` and of every directory the conf names, in glibc's
 * "new" format (`glibc-ld.so.cache1.1`), readable by `ldconfig -p -C`.
 *
 * The choices follow apko's so the bytes match: the conf is read line by
 * line (comments and blanks dropped, duplicates skipped), and an `include`
 * line reads the files its glob matches (relative to the image root) and ends
 * the file there; a directory entry counts when its name looks like a
 * library (`lib…`/`ld-…`, `.so` or `.so.N`), it is a regular file or a link to
 * one, an ELF shared object, and named by its SONAME or as the SONAME's
 * `.so` link name (a library without SONAME ending in `.so` is named by its
 * file); entries are sorted by glibc's library order, newest first; the
 * header's flags are 0 and no extension section is written.
 */
import { ET_DYN, parseElf } from '../elf';
import { ApkoError } from '../errors';
import { compareBytes } from '../order';
import type { Tree } from './tree';

const MAGIC = 'glibc-ld.so.cache1.1';
const HEADER_SIZE = 48;
const ENTRY_SIZE = 24;
const FLAG_ELF_LIBC6 = 0x0001 | 0x0003;
/** e_machine → the cache's required-architecture flag; apko knows these two. */
const MACHINE_FLAGS: ReadonlyMap<number, number> = new Map([
  [62, 0x0300], // EM_X86_64: FLAG_X8664_LIB64
  [183, 0x0a00], // EM_AARCH64: FLAG_AARCH64_LIB64
]);

/** A library the cache lists. */
interface CacheEntry {
  readonly path: string;
  readonly flags: number;
}

/** `libfoo.so.1.2` → `libfoo`, `libfoo.so` → `libfoo`; undefined for other names. */
function libraryStem(name: string): string | undefined {
  if (!name.startsWith('lib') && !name.startsWith('ld-')) return undefined;
  if (name.endsWith('.so')) return name.slice(0, -3);
  const at = name.lastIndexOf('.so.');
  return at >= 1 ? name.slice(0, at) : undefined;
}

/** The directories /etc/ld.so.conf names (apko's reading: an include ends the file). */
export function readLdsoConf(tree: Tree, file: string, seen = new Set<string>()): string[] {
  const text = tree.readFile(file);
  if (text === undefined || seen.has(file)) return [];
  seen.add(file);
  const dirs: string[] = [];
  for (const raw of text.toString('utf8').split('\n')) {
    const line = raw.split('#')[0]!.trim();
    if (line === '') continue;
    if (line.startsWith('include ')) {
      const glob = line.slice('include '.length).trim().replace(/^\/+/, '');
      for (const match of globFiles(tree, glob)) dirs.push(...readLdsoConf(tree, match, seen));
      return dirs;
    }
    if (!dirs.includes(line)) dirs.push(line);
  }
  return dirs;
}

/** Files matching a glob of `*`, `?` and literal parts (one directory level per part), in byte order. */
function globFiles(tree: Tree, glob: string): string[] {
  let current = [''];
  for (const part of glob.split('/').filter((p) => p !== '')) {
    const re = new RegExp(`^${part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
    current = current.flatMap((dir) => children(tree, dir).filter((name) => re.test(name)).map((name) => (dir === '' ? name : `${dir}/${name}`)));
  }
  return current.filter((p) => tree.readFile(p) !== undefined).sort(compareBytes);
}

/** Names directly inside `dir` (symlinks on the way followed), in byte order. */
function children(tree: Tree, dir: string): string[] {
  const node = dir === '' ? { type: 'dir' } : tree.stat(dir);
  if (node?.type !== 'dir') return [];
  const real = dir === '' ? '' : tree.resolve(dir, true);
  const prefix = real === '' ? '' : `${real}/`;
  return tree
    .below(dir)
    .map((p) => p.slice(prefix.length))
    .filter((rest) => rest !== '' && !rest.includes('/'));
}

/** The cache entries of one directory, by file name. */
function entriesOf(tree: Tree, dir: string): CacheEntry[] {
  const rel = dir.replace(/^\/+/, '');
  const found = new Map<string, CacheEntry>();
  for (const name of children(tree, rel)) {
    if (libraryStem(name) === undefined) continue;
    const path = rel === '' ? name : `${rel}/${name}`;
    const own = tree.get(path);
    if (own?.type !== 'file' && own?.type !== 'symlink' && own?.type !== 'hardlink') continue;
    const data = tree.readFile(path);
    if (data === undefined) continue;
    const elf = parseElf((offset, length) => data.subarray(offset, offset + length), data.length);
    if (elf === undefined || elf.type !== ET_DYN) continue;
    const sonames = elf.soname.length === 0 && name.endsWith('.so') ? [name] : elf.soname;
    const machineFlag = MACHINE_FLAGS.get(elf.machine);
    if (machineFlag === undefined) {
      throw new ApkoError('LDSO_CACHE_MACHINE', `/etc/ld.so.cache: /${path} is a shared object for ELF machine ${elf.machine}, which the cache writer does not know`, {
        hint: 'ld.so.cache is written for x86_64 and aarch64 libraries, as apko writes it; remove /etc/ld.so.conf from the image to skip it',
      });
    }
    for (const soname of sonames) {
      const stem = libraryStem(soname);
      if (stem === undefined || (name !== soname && name !== `${stem}.so`) || found.has(name)) continue;
      found.set(name, { path: `/${path}`, flags: FLAG_ELF_LIBC6 | machineFlag });
    }
  }
  return [...found.keys()].sort(compareBytes).map((k) => found.get(k)!);
}

/** glibc's `_dl_cache_libcmp`: digit runs compare as numbers and outrank other characters. */
export function libcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  const digit = (c: number) => c >= 0x30 && c <= 0x39;
  while (i < a.length && j < b.length) {
    const [x, y] = [a.charCodeAt(i), b.charCodeAt(j)];
    if (digit(x) && digit(y)) {
      let [n, m] = [0, 0];
      for (; i < a.length && digit(a.charCodeAt(i)); i++) n = n * 10 + a.charCodeAt(i) - 0x30;
      for (; j < b.length && digit(b.charCodeAt(j)); j++) m = m * 10 + b.charCodeAt(j) - 0x30;
      if (n !== m) return n < m ? -1 : 1;
    } else if (digit(x)) return 1;
    else if (digit(y)) return -1;
    else if (x !== y) return x < y ? -1 : 1;
    else [i, j] = [i + 1, j + 1];
  }
  const [ra, rb] = [a.length - i, b.length - j];
  return ra === rb ? 0 : ra < rb ? -1 : 1;
}

/** The cache file listing `entries`. */
function encode(entries: readonly CacheEntry[]): Buffer {
  const strings = Buffer.concat(entries.map((e) => Buffer.from(`${e.path}\0`, 'utf8')));
  const tableEnd = HEADER_SIZE + entries.length * ENTRY_SIZE + strings.length;
  // apko pads to the next multiple of 16, a whole 16 bytes when already aligned.
  const out = Buffer.alloc((tableEnd & ~0xf) + 0x10);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(entries.length, 20);
  out.writeUInt32LE(strings.length, 24);
  let cursor = HEADER_SIZE + entries.length * ENTRY_SIZE;
  entries.forEach((e, k) => {
    const at = HEADER_SIZE + k * ENTRY_SIZE;
    const dirLength = e.path.lastIndexOf('/') === 0 ? 1 : e.path.lastIndexOf('/');
    out.writeUInt32LE(e.flags, at);
    out.writeUInt32LE(cursor + dirLength + 1, at + 4); // key: the file name
    out.writeUInt32LE(cursor, at + 8); // value: the full path
    cursor += Buffer.byteLength(e.path) + 1;
  });
  strings.copy(out, HEADER_SIZE + entries.length * ENTRY_SIZE);
  return out;
}

/** Writes /etc/ld.so.cache when the image has /etc/ld.so.conf; returns whether it did. */
export function writeLdsoCache(tree: Tree): boolean {
  if (tree.stat('etc/ld.so.conf') === undefined) return false;
  const dirs = ['/lib', ...readLdsoConf(tree, 'etc/ld.so.conf')];
  const entries = dirs.flatMap((d) => entriesOf(tree, d));
  const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
  // Stable, so libraries of one name keep the order of their directories.
  const sorted = entries
    .map((e, k) => ({ e, k }))
    .sort((x, y) => -libcmp(base(x.e.path), base(y.e.path)) || x.k - y.k)
    .map((x) => x.e);
  tree.writeFile('etc/ld.so.cache', encode(sorted), { mode: 0o644 });
  return true;
}
