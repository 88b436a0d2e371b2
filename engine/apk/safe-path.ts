/**
 * Refuses tar entries that would land outside the tree a package is installed
 * into: absolute names and `..` components, in entry names and hardlink
 * targets. Symlink targets are not checked: they are data that lives in the
 * image, resolved by the image's own filesystem. The check must see names as
 * the archive stores them, because `readTar` normalizes `/etc/passwd` to
 * `etc/passwd`; `rawTarNames` recovers them.
 */
import { UnsafePathError } from '../errors';
import { parsePax } from '../tar/read';

const BLOCK = 512;
const HINT = 'the package is malformed or hostile; do not install it, and tell its maintainer';

/** One entry's name and link target exactly as the archive stores them (long names applied, nothing normalized). */
export interface RawTarName {
  readonly name: string;
  readonly linkname: string;
  /** The ustar type flag, e.g. `0`, `1` (hardlink), `2` (symlink), `5` (dir). */
  readonly flag: string;
}

function unsafeReason(name: string): string | undefined {
  if (name.startsWith('/')) return 'is an absolute path';
  if (name.split('/').includes('..')) return 'has a ".." component';
  return undefined;
}

/** Throws an UnsafePathError when a raw tar name is absolute or has a `..` component; `./usr/bin` is fine. */
export function assertSafeEntryName(name: string, subject: string): void {
  const reason = unsafeReason(name);
  if (reason !== undefined) {
    throw new UnsafePathError(`${subject}: tar entry "${name}" ${reason}`, { subject, entry: name, hint: HINT });
  }
}

/** Throws an UnsafePathError when a hardlink's target is absolute or has a `..` component. */
export function assertSafeHardlink(name: string, target: string, subject: string): void {
  const reason = unsafeReason(target);
  if (reason !== undefined) {
    throw new UnsafePathError(`${subject}: hardlink "${name}" points to "${target}", which ${reason}`, {
      subject,
      entry: name,
      hint: HINT,
    });
  }
}

/** Checks every entry name and hardlink target of an in-memory tar (already read once by `readTar`). */
export function assertSafeTarNames(tar: Buffer, subject: string): void {
  for (const e of rawTarNames(tar)) {
    assertSafeEntryName(e.name, subject);
    if (e.flag === '1') assertSafeHardlink(e.name, e.linkname, subject);
  }
}

function cstring(buf: Buffer, start: number, len: number): string {
  const field = buf.subarray(start, start + len);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? len : nul).toString('utf8');
}

function entrySize(buf: Buffer, pos: number): number {
  if (buf[pos + 124]! & 0x80) {
    let v = buf[pos + 124]! & 0x7f;
    for (let i = 1; i < 12; i++) v = v * 256 + buf[pos + 124 + i]!;
    return v;
  }
  const s = cstring(buf, pos + 124, 12).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

/**
 * The raw names of a tar's entries, in the order `readTar` returns them. It
 * trusts the structure `readTar` has already validated and reads only names.
 */
export function rawTarNames(tar: Buffer): RawTarName[] {
  const out: RawTarName[] = [];
  let globalPax: Record<string, string> = {};
  let localPax: Record<string, string> | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  for (let pos = 0; pos + BLOCK <= tar.length; ) {
    if (tar.subarray(pos, pos + BLOCK).every((b) => b === 0)) break;
    const flag = String.fromCharCode(tar[pos + 156]!);
    const size = entrySize(tar, pos);
    const data = tar.subarray(pos + BLOCK, pos + BLOCK + size);
    if (flag === 'x') localPax = parsePax(data, 'tar archive');
    else if (flag === 'g') globalPax = { ...globalPax, ...parsePax(data, 'tar archive') };
    else if (flag === 'L') longName = cstring(data, 0, data.length);
    else if (flag === 'K') longLink = cstring(data, 0, data.length);
    else {
      const pax = { ...globalPax, ...(localPax ?? {}) };
      const prefix = cstring(tar, pos + 257, 6) === 'ustar' ? cstring(tar, pos + 345, 155) : '';
      const base = cstring(tar, pos, 100);
      out.push({
        name: pax.path ?? longName ?? (prefix ? `${prefix}/${base}` : base),
        linkname: pax.linkpath ?? longLink ?? cstring(tar, pos + 157, 100),
        flag,
      });
      localPax = undefined;
      longName = undefined;
      longLink = undefined;
    }
    pos += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return out;
}
