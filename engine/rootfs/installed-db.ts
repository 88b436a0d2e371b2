/**
 * `usr/lib/apk/db/installed`: one record per package, each a run of
 * `X:value` lines ended by a blank line. A record keeps its lines exactly as
 * read or written, so formatting a parsed database gives back its bytes;
 * the named fields and the file list are a view over those lines.
 */
import { FormatError } from '../errors';
import { DB_DIR } from './base-layout';

/** Where the installed database lives in the tree (apko's `usr/lib/apk/db/installed`; `lib/apk` links here). */
export const INSTALLED_DB = `${DB_DIR}/installed`;

/** One `X:value` line. */
export interface InstalledLine {
  readonly key: string;
  readonly value: string;
}

/** A directory (`F:`) or a non-directory (`R:`) a record lists. */
export interface InstalledFile {
  readonly path: string;
  readonly type: 'dir' | 'file';
  readonly uid: number;
  readonly gid: number;
  /** Permission bits plus setuid/setgid/sticky. */
  readonly mode: number;
  /** `Q1…` from `Z:`. */
  readonly checksum?: string;
}

/** One package's record. */
export interface InstalledRecord {
  readonly name: string;
  readonly version: string;
  readonly arch: string;
  readonly license: string;
  readonly description: string;
  readonly origin: string;
  readonly maintainer: string;
  readonly url: string;
  readonly commit: string;
  readonly depends: readonly string[];
  readonly provides: readonly string[];
  readonly replaces: readonly string[];
  readonly installIf: readonly string[];
  /** Unix seconds. */
  readonly buildTime: number;
  /** Size of the .apk. */
  readonly size: number;
  readonly installedSize: number;
  readonly providerPriority: number;
  /** `Q1…` control checksum. */
  readonly checksum?: string;
  readonly files: readonly InstalledFile[];
  /** The lines, in file order; formatting writes exactly these. */
  readonly lines: readonly InstalledLine[];
}

const SCALARS: Record<string, keyof InstalledRecord> = {
  P: 'name', V: 'version', A: 'arch', L: 'license', T: 'description', o: 'origin', m: 'maintainer', U: 'url', c: 'commit',
};
const LISTS: Record<string, keyof InstalledRecord> = { D: 'depends', p: 'provides', r: 'replaces', i: 'installIf' };
const NUMBERS: Record<string, keyof InstalledRecord> = { t: 'buildTime', S: 'size', I: 'installedSize', k: 'providerPriority' };

function fail(subject: string, line: number, why: string): never {
  throw new FormatError(`${subject}: line ${line}: ${why}`, {
    file: subject,
    hint: 'the installed database is damaged or was not written by apk-tools or apko',
  });
}

function parseOwnership(value: string, subject: string, line: number): { uid: number; gid: number; mode: number } {
  const m = /^(\d+):(\d+):([0-7]+)$/.exec(value);
  if (!m) fail(subject, line, `"${value}" is not uid:gid:mode`);
  return { uid: Number(m[1]), gid: Number(m[2]), mode: parseInt(m[3]!, 8) };
}

/** Builds the named view of a record from its lines; `firstLine` numbers errors. */
export function recordFromLines(lines: readonly InstalledLine[], subject = 'installed database', firstLine = 1): InstalledRecord {
  const rec: Record<string, unknown> = {
    name: '', version: '', arch: '', license: '', description: '', origin: '', maintainer: '', url: '', commit: '',
    depends: [], provides: [], replaces: [], installIf: [], buildTime: 0, size: 0, installedSize: 0, providerPriority: 0,
  };
  const files: Array<{ -readonly [K in keyof InstalledFile]: InstalledFile[K] }> = [];
  let dir: (typeof files)[number] | undefined;
  let current: (typeof files)[number] | undefined;
  lines.forEach(({ key, value }, i) => {
    const at = firstLine + i;
    if (SCALARS[key]) rec[SCALARS[key]] = value;
    else if (LISTS[key]) {
      // `i:` is written with Go's %s of a slice, `[a b]`; other lists are bare.
      const bare = key === 'i' && value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
      rec[LISTS[key]] = bare.split(' ').filter((s) => s !== '');
    } else if (NUMBERS[key]) {
      if (!/^\d+$/.test(value)) fail(subject, at, `${key}: must be a number, not "${value}"`);
      rec[NUMBERS[key]] = Number(value);
    } else if (key === 'C') rec.checksum = value;
    else if (key === 'F') {
      if (value.split('/').includes('..')) fail(subject, at, `directory "${value}" leaves the root`);
      dir = { path: value, type: 'dir', uid: 0, gid: 0, mode: 0o755 };
      if (value !== '') files.push(dir);
      current = undefined;
    } else if (key === 'M') {
      if (!dir) fail(subject, at, 'M: (directory ownership) comes before any F: line');
      if (dir.path === '') fail(subject, at, 'M entry cannot be associated with top level dir');
      Object.assign(dir, parseOwnership(value, subject, at));
    } else if (key === 'R') {
      if (value === '' || value.includes('/')) fail(subject, at, `"${value}" is not a file name`);
      current = { path: dir && dir.path !== '' ? `${dir.path}/${value}` : value, type: 'file', uid: 0, gid: 0, mode: 0o644 };
      files.push(current);
    } else if (key === 'a') {
      if (!current) fail(subject, at, 'a: (file ownership) comes before any R: line');
      Object.assign(current, parseOwnership(value, subject, at));
    } else if (key === 'Z') {
      if (current) current.checksum = value;
    }
    // Other keys (q:, s:, f:, …) are kept in `lines` and otherwise ignored, as apk-tools does.
  });
  return { ...rec, files, lines: [...lines] } as unknown as InstalledRecord;
}

/** Parses a whole database. Records without a `P:` line are dropped, as apk-tools drops them. */
export function parseInstalled(text: string, subject = 'installed database'): InstalledRecord[] {
  const records: InstalledRecord[] = [];
  const raw = text.split('\n');
  if (raw[raw.length - 1] === '') raw.pop();
  let pending: InstalledLine[] = [];
  let start = 1;
  const flush = (): void => {
    if (pending.some((l) => l.key === 'P')) records.push(recordFromLines(pending, subject, start));
    pending = [];
  };
  raw.forEach((line, i) => {
    if (line === '') {
      flush();
      start = i + 2;
      return;
    }
    if (line.length < 2 || line[1] !== ':') fail(subject, i + 1, `expected "X:value", got "${line}"`);
    pending.push({ key: line[0]!, value: line.slice(2) });
  });
  flush();
  return records;
}

/** Formats records: each one's lines, then a blank line. */
export function formatInstalled(records: readonly InstalledRecord[]): string {
  return records.map((r) => `${r.lines.map((l) => `${l.key}:${l.value}\n`).join('')}\n`).join('');
}
