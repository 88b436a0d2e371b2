import { describe, expect, it } from 'vitest';
import { charDevice, cpioChunks, CpioDuplicateError, directory, regularFile, symlink, type CpioRecord } from '.';

/** A parsed record: the thirteen header fields, the name and the contents. */
interface Parsed { fields: number[]; name: string; data: Buffer; at: number }

function parse(buf: Buffer): Parsed[] {
  const out: Parsed[] = [];
  let p = 0;
  while (p < buf.length) {
    expect(buf.toString('ascii', p, p + 6)).toBe('070701');
    const fields = Array.from({ length: 13 }, (_, i) => parseInt(buf.toString('ascii', p + 6 + 8 * i, p + 14 + 8 * i), 16));
    const nameLen = fields[11]!;
    const name = buf.toString('utf8', p + 110, p + 110 + nameLen - 1);
    expect(buf[p + 110 + nameLen - 1]).toBe(0);
    let q = (p + 110 + nameLen + 3) & ~3;
    const data = buf.subarray(q, q + fields[6]!);
    q += fields[6]!;
    if (fields[6]! > 0) q = (q + 3) & ~3;
    out.push({ fields, name, data, at: p });
    p = q;
  }
  return out;
}

const archive = (records: CpioRecord[]) => Buffer.concat([...cpioChunks(records)]);

describe('cpioChunks', () => {
  it('adds each parent directory once, mode 0777, with "." as the parent of top-level names only', () => {
    const recs = parse(archive([directory('etc', 0o755), regularFile('etc/passwd', 0o644, Buffer.from('root\n')), regularFile('usr/bin/x', 0o755, Buffer.from('x'))]));
    expect(recs.map((r) => [r.name, r.fields[1]!.toString(8)])).toEqual([
      ['.', '40777'],
      ['etc', '40755'],
      ['etc/passwd', '100644'],
      ['usr', '40777'],
      ['usr/bin', '40777'],
      ['usr/bin/x', '100755'],
      ['TRAILER!!!', '0'],
    ]);
  });

  it('leaves inode, owners, link count, mtime and device fields 0 and the check field 0', () => {
    for (const r of parse(archive([regularFile('a', 0o4755, Buffer.from('abc'))]))) {
      expect([r.fields[0], r.fields[2], r.fields[3], r.fields[4], r.fields[5], r.fields[7], r.fields[8], r.fields[12]]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    }
    expect(parse(archive([regularFile('a', 0o4755, Buffer.from('abc'))]))[1]!.fields[1]!.toString(8)).toBe('104755');
  });

  it('writes a symlink as mode 0777 with its target as contents, and a char device with rdev numbers and no contents', () => {
    const [link, dev] = parse(archive([symlink('lib/apk', '../usr/lib/apk'), charDevice('dev/null', 0o666, 1, 3)])).filter((r) => r.name !== 'lib' && r.name !== 'dev');
    expect([link!.name, link!.fields[1]!.toString(8), link!.data.toString()]).toEqual(['lib/apk', '120777', '../usr/lib/apk']);
    expect([dev!.name, dev!.fields[1]!.toString(8), dev!.fields[6], dev!.fields[9], dev!.fields[10]]).toEqual(['dev/null', '20666', 0, 1, 3]);
  });

  it('pads names and contents to 4 bytes counted from the start of the archive, and ends with an empty trailer', () => {
    const buf = archive([regularFile('ab', 0o644, Buffer.from('12345')), regularFile('c', 0o644, Buffer.alloc(0))]);
    const recs = parse(buf);
    for (const r of recs) expect(r.at % 4).toBe(0);
    const last = recs[recs.length - 1]!;
    expect([last.name, last.fields.every((f, i) => i === 11 || f === 0), last.fields[11]]).toEqual(['TRAILER!!!', true, 11]);
    // 110 + "TRAILER!!!\0" = 121, padded to 124; nothing after it.
    expect(buf.length - last.at).toBe(124);
  });

  it('normalizes names (no leading slash, cleaned) and refuses a name already in the archive', () => {
    expect(parse(archive([regularFile('/x//y/./z', 0o644, Buffer.from('z'))])).map((r) => r.name)).toEqual(['x', 'x/y', 'x/y/z', 'TRAILER!!!']);
    expect(() => archive([regularFile('a/b', 0o644, Buffer.from('')), directory('a', 0o755)])).toThrow(CpioDuplicateError);
    expect(() => archive([regularFile('a/b', 0o644, Buffer.from('')), directory('a', 0o755)])).toThrow('cpio: a is already in the archive');
  });
});
