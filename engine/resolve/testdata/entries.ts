/**
 * Small in-memory indexes for resolver tests: `pkg('foo-1.2-r0', { depends:
 * ['bar>=1'] })` builds an IndexEntry with the defaults an APKINDEX would
 * carry, and `repo('main', [...])` wraps entries as a configured repository.
 */
import type { IndexEntry } from '../../apk/types';
import { isValidVersion } from '../../apk/version';
import { q1FromSha1Hex, sha1Hex } from '../../digest';
import type { ResolverRepository } from '../types';

/** Fields a test may set; everything else gets an APKINDEX-like default. */
export type EntryFields = Partial<Omit<IndexEntry, 'name' | 'version'>>;

/** Splits `name-version` at the first dash that leaves a valid version. */
export function splitLabel(label: string): { name: string; version: string } {
  for (let i = label.indexOf('-'); i > 0; i = label.indexOf('-', i + 1)) {
    const version = label.slice(i + 1);
    if (isValidVersion(version)) return { name: label.slice(0, i), version };
  }
  throw new Error(`test entry ${JSON.stringify(label)} is not name-version`);
}

/** An index entry for `name-version` (arch x86_64 unless given). */
export function pkg(label: string, fields: EntryFields = {}): IndexEntry {
  const { name, version } = splitLabel(label);
  return {
    name,
    version,
    arch: 'x86_64',
    size: 1000,
    installedSize: 4096,
    description: `${name} for tests`,
    url: 'https://example.test/',
    license: 'MIT',
    depends: [],
    provides: [],
    installIf: [],
    replaces: [],
    checksum: q1FromSha1Hex(sha1Hex(`${label}\0${fields.arch ?? 'x86_64'}`)),
    ...fields,
  };
}

/** A repository named `name` (optionally tagged) holding `entries`. */
export function repo(name: string, entries: readonly IndexEntry[], tag?: string): ResolverRepository {
  return tag === undefined ? { name, entries } : { name, tag, entries };
}
