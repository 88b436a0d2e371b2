/**
 * The packages of a base image (`contents.baseimage.apkindex`, the base's
 * installed database as `<arch>/APKINDEX`), as apko v1.2.31 takes them
 * (`pkg/baseimg/base_image.go`, `pkg/apk/apk/installed.go`): each record is
 * parsed by `ParseInstalled` and written back to the new installed database
 * by `AddInstalledPackage`, ahead of the new packages and without files in the
 * layer. That round trip is lossy in ways kept here so the database matches
 * apko's byte for byte: per-file ownership (`M:`, `a:`) and checksums (`Z:`)
 * are dropped, the `i:` value is wrapped in one more pair of brackets, and
 * lines apko does not model (`q:`, `s:`, …) are dropped.
 */
import type { IndexEntry } from '../apk/types';
import { fileLines } from './installed-record';
import { parseInstalled, type InstalledRecord } from './installed-db';

/** One base package: its parsed record and the stanza apko writes for it. */
export interface BasePackage {
  readonly record: InstalledRecord;
  /** The stanza in the new installed database, blank line included. */
  readonly stanza: Buffer;
}

/** The last value of `key` in a record (apko's parser keeps the last), or undefined. */
function last(rec: InstalledRecord, key: string): string | undefined {
  let v: string | undefined;
  for (const l of rec.lines) if (l.key === key) v = l.value;
  return v;
}

/** Go's ParseInt/ParseUint then %d: the number's canonical decimal; 0 (or Go's zero time) when absent. */
function decimal(rec: InstalledRecord, key: string, absent: string): string {
  const v = last(rec, key);
  return v === undefined ? absent : String(Number(v));
}

/** The stanza `AddInstalledPackage` writes for a parsed base record (`PackageToInstalled` plus default-mode files). */
export function baseStanza(rec: InstalledRecord): Buffer {
  const s = (key: string) => last(rec, key) ?? '';
  const lines: string[] = [`P:${s('P')}`, `V:${s('V')}`, `A:${s('A')}`, `L:${s('L')}`, `T:${s('T')}`, `o:${s('o')}`, `m:${s('m')}`, `U:${s('U')}`, `D:${s('D')}`, `p:${s('p')}`];
  if (last(rec, 'r') !== undefined) lines.push(`r:${s('r')}`);
  lines.push(`c:${s('c')}`);
  // Go's %s of the []string strings.Split made of the value: the brackets of `i:[]` gain another pair.
  lines.push(`i:[${s('i')}]`);
  // An absent t: is Go's zero time, whose Unix() is this.
  lines.push(`t:${decimal(rec, 't', '-62135596800')}`, `S:${decimal(rec, 'S', '0')}`, `I:${decimal(rec, 'I', '0')}`, `k:${decimal(rec, 'k', '0')}`);
  const c = last(rec, 'C');
  if (c !== undefined && c.startsWith('Q1') && c.length > 2) lines.push(`C:${c}`);
  // ParseInstalled appends each file before reading its M:/a: line, so every file keeps the default ownership and mode.
  const entries = rec.files.map((f) => ({ name: f.path, type: f.type, mode: f.type === 'dir' ? 0o755 : 0o644, uid: 0, gid: 0, pax: {} }));
  for (const l of fileLines(entries)) lines.push(`${l.key}:${l.value}`);
  return Buffer.from(`${lines.join('\n')}\n\n`, 'utf8');
}

/** Parses a base image's APKINDEX (an installed database); `subject` names it in errors. */
export function parseBasePackages(text: string, subject: string): BasePackage[] {
  return parseInstalled(text, subject).map((record) => ({ record, stanza: baseStanza(record) }));
}

/** The base packages as index entries: the extra, unsigned repository apko resolves them from. */
export function baseIndexEntries(packages: readonly BasePackage[]): IndexEntry[] {
  return packages.map(({ record: r }) => ({
    name: r.name,
    version: r.version,
    arch: r.arch,
    size: r.size,
    installedSize: r.installedSize,
    description: r.description,
    url: r.url,
    license: r.license,
    ...(r.origin ? { origin: r.origin } : {}),
    ...(r.maintainer ? { maintainer: r.maintainer } : {}),
    buildTime: r.buildTime,
    ...(r.commit ? { commit: r.commit } : {}),
    depends: [...r.depends],
    provides: [...r.provides],
    installIf: [...r.installIf],
    providerPriority: r.providerPriority,
    replaces: [...r.replaces],
    checksum: r.checksum ?? '',
  }));
}

/** The `name=version` pins apko adds to the world for the base's packages. */
export function basePins(packages: readonly BasePackage[]): string[] {
  return packages.map((p) => `${p.record.name}=${p.record.version}`);
}
