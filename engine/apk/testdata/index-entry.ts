import type { IndexEntry } from '../types';

/** An index record with only the required fields set, for index tests. */
export function minimalEntry(name: string, version = '1.0-r0'): IndexEntry {
  return {
    checksum: 'Q1AAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    name,
    version,
    arch: 'aarch64',
    size: 1,
    installedSize: 2,
    description: '',
    url: '',
    license: 'MIT',
    depends: [],
    provides: [],
    installIf: [],
    replaces: [],
  };
}
