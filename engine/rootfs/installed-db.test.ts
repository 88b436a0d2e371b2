import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../e2e/support/env';
import { FormatError } from '../errors';
import { formatInstalled, parseInstalled } from './installed-db';
import { installedRecord } from './installed-record';
import { pretendBaselayout, replayout } from './testdata/golden-packages';

function goldenDb(arch: string): string {
  const a = pretendBaselayout(arch);
  const b = replayout(arch);
  return formatInstalled([installedRecord(a, a.dataEntries), installedRecord(b, b.dataEntries)]);
}

describe('parseInstalled', () => {
  it('reads the golden database back into its fields and files, and formats it to the same bytes', () => {
    const text = goldenDb('x86_64');
    const records = parseInstalled(text);
    expect(records.map((r) => r.name)).toEqual(['pretend-baselayout', 'replayout']);
    const r = records[1]!;
    expect(r).toMatchObject({ version: '1.0.0-r0', depends: ['pretend-baselayout'], replaces: ['pretend-baselayout'], installIf: [], size: 2961, installedSize: 3389 });
    expect(r.files[1]).toEqual({ path: 'etc/os-release', type: 'file', uid: 501, gid: 20, mode: 0o644, checksum: 'Q1yl5Se7uKXMnEwtK04pYY2Mo75fg=' });
    expect(formatInstalled(records)).toBe(text);
  });

  it('keeps lines it does not model so they survive a round trip', () => {
    const text = 'P:x\nV:1\nq:1\nF:etc\nR:a\nZ:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\nf:unknown\n\n';
    expect(formatInstalled(parseInstalled(text))).toBe(text);
  });

  it.each([
    ['M: before any F:', 'P:x\nM:0:0:700\n\n', 'line 2: M: (directory ownership) comes before any F: line'],
    ['M: on the top-level directory', 'P:x\nF:\nM:0:0:711\n\n', 'line 3: M entry cannot be associated with top level dir'],
    ['a: before any R:', 'P:x\nF:etc\na:0:0:600\n\n', 'line 3: a: (file ownership) comes before any R: line'],
    ['a line without a colon', 'P:x\nnonsense\n\n', 'line 2: expected "X:value", got "nonsense"'],
    ['a bad ownership triple', 'P:x\nF:etc\nM:0:x:700\n\n', 'line 3: "0:x:700" is not uid:gid:mode'],
    ['a path leaving the root', 'P:x\nF:../etc\n\n', 'line 2: directory "../etc" leaves the root'],
  ])('rejects %s', (_, text, message) => {
    let err: unknown;
    try {
      parseInstalled(text, 'db');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).code).toBe('EFORMAT');
    expect((err as FormatError).message).toBe(`db: ${message}`);
  });
});

const dbDir = fixture('installed-db');
describe.skipIf(!dbDir)('parseInstalled on databases apko wrote for real images', () => {
  it.each(['wolfi-base', 'redis-operator-compat'])('round-trips %s byte for byte', (name) => {
    const text = readFileSync(`${dbDir}/${name}`, 'utf8');
    const records = parseInstalled(text, name);
    expect(records.length).toBeGreaterThan(10);
    expect(formatInstalled(records)).toBe(text);
  });

  it('reads wolfi-base ownership lines and checksums', () => {
    const records = parseInstalled(readFileSync(`${dbDir}/wolfi-base`, 'utf8'));
    const base = records.find((r) => r.name === 'wolfi-baselayout')!;
    expect(base.provides).toEqual(['merged-bin', 'merged-lib', 'merged-sbin', 'merged-usrsbin']);
    expect(base.files.find((f) => f.path === 'etc/shadow')).toEqual({ path: 'etc/shadow', type: 'file', uid: 0, gid: 0, mode: 0o600, checksum: 'Q1Q1kmVCDi/eoF4lNhCWLUesy4xa0=' });
  });

  it('rejects bad-top-level-perms as apko does (an M: line on the bare F:)', () => {
    const text = readFileSync(`${dbDir}/bad-top-level-perms`, 'utf8');
    expect(() => parseInstalled(text, 'bad-top-level-perms')).toThrow(/M entry cannot be associated with top level dir/);
  });
});
