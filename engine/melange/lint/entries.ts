/**
 * The two places a package's files come from as lint entries: the output
 * directory a build collected (destdir.ts), and the data section of a .apk.
 * Hard links become regular files with their target's bytes, as a linter
 * walking a directory tree sees them.
 */
import { readFileSync } from 'node:fs';
import type { TarEntry } from '../../tar/types';
import type { DestEntry } from '../destdir';
import type { LintEntry } from './types';

/** A build's collected output directory, read lazily from disk. */
export function entriesFromDestdir(entries: readonly DestEntry[]): LintEntry[] {
  const byPath = new Map(entries.map((e) => [e.path, e]));
  return entries.map((e) => {
    const file = e.type === 'hardlink' ? byPath.get(e.linkname ?? '') ?? e : e;
    const type = e.type === 'dir' ? 'dir' : e.type === 'symlink' ? 'symlink' : 'file';
    return { path: e.path, type, mode: e.mode, size: file.size, read: () => (typeof file.data === 'string' ? Buffer.from(file.data) : file.data ?? readFileSync(file.hostPath)) };
  });
}

/** A package's data section (its files, in tar order). */
export function entriesFromApk(entries: readonly TarEntry[]): LintEntry[] {
  const byPath = new Map(entries.map((e) => [e.name, e]));
  const out: LintEntry[] = [];
  for (const e of entries) {
    if (e.type === 'char' || e.type === 'block' || e.type === 'fifo') {
      out.push({ path: e.name, type: 'other', mode: e.mode, size: 0, read: () => Buffer.alloc(0) });
      continue;
    }
    const file = e.type === 'hardlink' ? byPath.get(e.linkname) ?? e : e;
    const type = e.type === 'dir' ? 'dir' : e.type === 'symlink' ? 'symlink' : 'file';
    out.push({ path: e.name, type, mode: e.mode, size: file.data.length, read: () => file.data });
  }
  return out;
}
