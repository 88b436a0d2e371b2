import { describe, expect, it } from 'vitest';
import { FormatError } from '../errors';
import { readTar } from './read';
import { encodePax, END_OF_ARCHIVE, padding, writeTar } from './write';

const BLOCK = 512;

/** A ustar header block with `name` as raw bytes (test-only; the writer refuses such names). */
function header(name: Buffer, opts: { flag?: string; size?: number } = {}): Buffer {
  const b = Buffer.alloc(BLOCK);
  name.copy(b, 0);
  b.write('0000644\0', 100, 'ascii');
  b.write('0000000\0', 108, 'ascii');
  b.write('0000000\0', 116, 'ascii');
  b.write(`${(opts.size ?? 0).toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  b.write('00000000000\0', 136, 'ascii');
  b.write('        ', 148, 'ascii');
  b.write(opts.flag ?? '0', 156, 'ascii');
  b.write('ustar\u000000', 257, 'binary');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i]!;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return b;
}

function withPax(records: Buffer, entry: Buffer, data = Buffer.alloc(0)): Buffer {
  return Buffer.concat([header(Buffer.from('PaxHeaders.0/x'), { flag: 'x', size: records.length }), records, padding(records.length), entry, data, padding(data.length), END_OF_ARCHIVE]);
}

function caught(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (err) {
    return err as FormatError;
  }
  throw new Error('expected an error');
}

describe('readTar: hostile names', () => {
  it('refuses an entry name that is not UTF-8, naming the archive and the bytes', () => {
    const tar = Buffer.concat([header(Buffer.from('etc/\xff', 'latin1')), END_OF_ARCHIVE]);
    const err = caught(() => readTar(tar, 'evil-1 data section'));
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toBe('evil-1 data section: tar entry name "etc/\\xff" is not valid UTF-8');
    expect(err.hint).toMatch(/UTF-8/);
  });

  it('refuses a PAX path that is not UTF-8', () => {
    const records = Buffer.concat([Buffer.from('15 path=etc/'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
    expect(() => readTar(withPax(records, header(Buffer.from('placeholder'))), 'p')).toThrow('tar PAX path "etc/\\xc3(" is not valid UTF-8');
  });

  it('refuses an entry type it does not know, showing the flag escaped', () => {
    const tar = Buffer.concat([header(Buffer.from('usr/lib/sparse'), { flag: 'S' }), END_OF_ARCHIVE]);
    const err = caught(() => readTar(tar, 'p'));
    expect(err.message).toBe('p: tar entry "usr/lib/sparse" has type "S", which this reader does not know');
    expect(err.hint).toBeDefined();
  });
});

describe('readTar: hostile numbers', () => {
  for (const key of ['uid', 'gid', 'size', 'mtime']) {
    it(`refuses a PAX ${key} that is not a number, naming the entry (never NaN)`, () => {
      const tar = withPax(encodePax({ [key]: 'abc' }), header(Buffer.from('usr/bin/tool')));
      const err = caught(() => readTar(tar, 'p'));
      expect(err.message).toBe(`p: tar entry "usr/bin/tool" has a PAX ${key} of "abc", which is not ${key === 'mtime' ? 'a time in seconds' : 'a whole number'}`);
      expect(err.message).not.toMatch(/NaN/);
    });
  }

  it('refuses a uid beyond what a Linux uid_t holds and keeps one just inside', () => {
    expect(() => readTar(withPax(encodePax({ uid: '4294967295' }), header(Buffer.from('f'))), 'p')).toThrow('p: tar entry "f" has uid 4294967295, larger than any Linux id (4294967294)');
    expect(readTar(withPax(encodePax({ uid: '4294967294' }), header(Buffer.from('f'))), 'p')[0]!.uid).toBe(4294967294);
  });

  it('refuses an octal field that is not octal, naming the field', () => {
    const h = header(Buffer.from('f'));
    h.write('00000z0\0', 108, 'ascii');
    let sum = 0;
    h.write('        ', 148, 'ascii');
    for (let i = 0; i < BLOCK; i++) sum += h[i]!;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    expect(() => readTar(Buffer.concat([h, END_OF_ARCHIVE]), 'p')).toThrow('p: the tar header at byte 0 has a bad uid field "00000z0" (not an octal number)');
  });

  it('reads as much content as a PAX size says, as POSIX has it', () => {
    const data = Buffer.from('x'.repeat(600));
    const tar = withPax(encodePax({ size: '600' }), header(Buffer.from('big'), { size: 0 }), data);
    const [e] = readTar(tar, 'p');
    expect(e!.size).toBe(600);
    expect(e!.data.equals(data)).toBe(true);
  });
});

describe('readTar and writeTar: extended attributes', () => {
  it('keeps a binary xattr value byte for byte through a write and a read', () => {
    const cap = Buffer.from([1, 0, 0, 2, 0x80, 0xff, 0, 0]).toString('latin1');
    const tar = writeTar([{ name: 'usr/bin/ping', type: 'file', mode: 0o755, pax: { 'SCHILY.xattr.security.capability': cap }, data: Buffer.from('p') }]);
    const [e] = readTar(tar, 'p');
    expect(Buffer.from(e!.pax['SCHILY.xattr.security.capability']!, 'latin1').toString('hex')).toBe('0100000280ff0000');
  });
});
