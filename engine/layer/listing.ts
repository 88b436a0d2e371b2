/**
 * A text view of a layer, one line per entry, for golden files and for
 * failures that must say which entry moved:
 * `<mode> <uid>/<gid> <uname>/<gname> <size or major,minor> <mtime> <name>[ -> symlink | => hardlink]`.
 */
import { gunzipSync } from 'node:zlib';
import { readTar } from '../tar/read';
import type { TarEntry } from '../tar/types';

const TYPE_CHAR: Record<TarEntry['type'], string> = {
  file: '-',
  hardlink: 'h',
  symlink: 'l',
  char: 'c',
  block: 'b',
  dir: 'd',
  fifo: 'p',
};

/** `rwxr-xr-x`-style permission bits, with setuid/setgid/sticky as s/S and t/T. */
function permString(mode: number): string {
  const bit = (mask: number, ch: string) => (mode & mask ? ch : '-');
  const special = (exec: boolean, set: boolean, on: string) => (set ? (exec ? on : on.toUpperCase()) : exec ? 'x' : '-');
  return [
    bit(0o400, 'r'), bit(0o200, 'w'), special(!!(mode & 0o100), !!(mode & 0o4000), 's'),
    bit(0o040, 'r'), bit(0o020, 'w'), special(!!(mode & 0o010), !!(mode & 0o2000), 's'),
    bit(0o004, 'r'), bit(0o002, 'w'), special(!!(mode & 0o001), !!(mode & 0o1000), 't'),
  ].join('');
}

/** One listing line per entry of an uncompressed tar. */
export function listTar(tar: Buffer): string[] {
  return readTar(tar, 'layer').map((e) => {
    const size = e.type === 'char' || e.type === 'block' ? `${e.devmajor},${e.devminor}` : String(e.size);
    const link = e.type === 'symlink' ? ` -> ${e.linkname}` : e.type === 'hardlink' ? ` => ${e.linkname}` : '';
    const name = e.type === 'dir' ? `${e.name}/` : e.name;
    return `${TYPE_CHAR[e.type]}${permString(e.mode)} ${e.uid}/${e.gid} ${e.uname}/${e.gname} ${size} ${e.mtime} ${name}${link}`;
  });
}

/** The listing of a gzip-compressed layer blob. */
export function listLayer(blob: Buffer): string[] {
  return listTar(gunzipSync(blob));
}
