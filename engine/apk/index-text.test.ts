import { describe, expect, it } from 'vitest';
import { FormatError } from '../errors';
import { formatIndexEntry, formatIndexText, parseIndexText } from './index-text';
import type { IndexEntry } from './types';
import { minimalEntry } from './testdata/index-entry';

const FULL_RECORD = [
  'C:Q1LLq2qDNrS/qRnhxQ3hsY/sHbQnc=',
  'P:busybox',
  'V:1.36.1-r2',
  'A:x86_64',
  'S:512345',
  'I:1024000',
  'T:Size optimized toolbox',
  'U:https://busybox.net/',
  'L:GPL-2.0-only',
  'o:busybox-src',
  'm:Jane Doe <jane@example.org>',
  't:1700000000',
  'c:0123456789abcdef',
  'D:so:libc.musl-x86_64.so.1 /bin/sh',
  'i:busybox-base=1.36.1-r2 openrc',
  'p:cmd:busybox=1.36.1-r2 /bin/sh',
  'k:100',
  'r:busybox-old',
  'q:10',
  '',
].join('\n');

const FULL_ENTRY: IndexEntry = {
  checksum: 'Q1LLq2qDNrS/qRnhxQ3hsY/sHbQnc=',
  name: 'busybox',
  version: '1.36.1-r2',
  arch: 'x86_64',
  size: 512345,
  installedSize: 1024000,
  description: 'Size optimized toolbox',
  url: 'https://busybox.net/',
  license: 'GPL-2.0-only',
  origin: 'busybox-src',
  maintainer: 'Jane Doe <jane@example.org>',
  buildTime: 1700000000,
  commit: '0123456789abcdef',
  depends: ['so:libc.musl-x86_64.so.1', '/bin/sh'],
  installIf: ['busybox-base=1.36.1-r2', 'openrc'],
  provides: ['cmd:busybox=1.36.1-r2', '/bin/sh'],
  providerPriority: 100,
  replaces: ['busybox-old'],
  replacesPriority: 10,
};

const minimal = minimalEntry;

describe('parseIndexText', () => {
  it('reads every field apk-tools writes', () => {
    expect(parseIndexText(FULL_RECORD + '\n')).toEqual([FULL_ENTRY]);
  });

  it('ignores fields it does not know', () => {
    const [e] = parseIndexText('P:a\nV:1-r0\nZ:whatever\nF:usr/bin\nX:\n\n');
    expect(e).toEqual({ ...minimal('a', '1-r0'), checksum: '', arch: '', size: 0, installedSize: 0, license: '' });
  });

  it('appends repeated list lines and reads several records in file order', () => {
    const entries = parseIndexText('P:b\nV:2-r0\nD:x\nD:y  z\n\nP:a\nV:1-r0\n\n');
    expect(entries.map((e) => e.name)).toEqual(['b', 'a']);
    expect(entries[0]!.depends).toEqual(['x', 'y', 'z']);
  });

  it('accepts a last record without a blank line, CRLF line ends and an empty number', () => {
    const entries = parseIndexText('P:a\r\nV:1-r0\r\nI:\r\n\r\nP:b\nV:2-r0');
    expect(entries.map((e) => [e.name, e.version, e.installedSize])).toEqual([
      ['a', '1-r0', 0],
      ['b', '2-r0', 0],
    ]);
  });

  it('reads an empty text as no records', () => {
    expect(parseIndexText('')).toEqual([]);
    expect(parseIndexText('\n\n')).toEqual([]);
  });

  it.each([
    ['a record without a name', 'V:1-r0\n\n', 'idx: the record starting at line 1 has no P: (name) field'],
    ['a record without a version', 'P:a\n\nP:b\nV:1\n\n', undefined],
    ['a malformed line', 'P:a\nV:1-r0\nnonsense\n\n', 'idx: line 3 is not a "X:value" field: "nonsense"'],
    ['a non-numeric size', 'P:a\nV:1-r0\nS:12k\n\n', 'idx: line 3: field S: "12k" is not a whole number'],
  ])('rejects %s with a FormatError naming the index', (_what, text, message) => {
    let err: unknown;
    try {
      parseIndexText(text, 'idx');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).code).toBe('EFORMAT');
    expect((err as FormatError).file).toBe('idx');
    if (message !== undefined) expect((err as Error).message).toBe(message);
    else expect((err as Error).message).toMatch(/^idx: the record starting at line 1 has no V: \(version\) field$/);
  });
});

describe('formatIndexEntry', () => {
  it("writes melange's field order, then r and q, then a blank line", () => {
    expect(formatIndexEntry(FULL_ENTRY).split('\n').map((l) => l.slice(0, 1))).toEqual(
      ['C', 'P', 'V', 'A', 'S', 'I', 'T', 'U', 'L', 'o', 'm', 't', 'c', 'D', 'i', 'p', 'k', 'r', 'q', '', ''],
    );
  });

  it('always writes C P V T, and A S I U L and the optional fields only when set, as apko\'s index template', () => {
    expect(formatIndexEntry(minimal('a'))).toBe('C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nP:a\nV:1.0-r0\nA:aarch64\nS:1\nI:2\nT:\nL:MIT\n\n');
    expect(formatIndexEntry({ ...minimal('a'), arch: '', size: 0, installedSize: 0, license: '' })).toBe('C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nP:a\nV:1.0-r0\nT:\n\n');
  });

  it('round-trips every field through parseIndexText', () => {
    const entries = [FULL_ENTRY, minimal('a')];
    expect(parseIndexText(formatIndexText(entries))).toEqual(entries);
  });

  it.each([
    ['a line break in a description', { ...minimal('a'), description: 'two\nlines' }, /field T contains a line break/],
    ['a space inside a dependency', { ...minimal('a'), depends: ['so:a b'] }, /field D item "so:a b" is empty or contains whitespace/],
    ['an empty provide', { ...minimal('a'), provides: [''] }, /field p item "" is empty/],
  ])('refuses %s', (_what, entry, message) => {
    expect(() => formatIndexEntry(entry)).toThrow(FormatError);
    expect(() => formatIndexEntry(entry)).toThrow(message);
  });
});
