import { existsSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ET_DYN, ET_EXEC, parseElf, readElfFile } from './elf';
import { findHostLibz } from './melange/testdata/project';

/**
 * Builds a minimal ELF file: header, PT_INTERP and PT_DYNAMIC/PT_LOAD program
 * headers, a .dynamic section and its .dynstr, and (optionally) the section
 * headers that point at them.
 */
function makeElf(o: { bits: 32 | 64; le: boolean; type?: number; interp?: string; needed?: string[]; soname?: string; sections?: boolean }): Buffer {
  const w = o.bits === 64 ? 8 : 4;
  const ehsize = o.bits === 64 ? 64 : 52;
  const phentsize = o.bits === 64 ? 56 : 32;
  const shentsize = o.bits === 64 ? 64 : 40;
  const strs = ['', ...(o.needed ?? []), ...(o.soname ? [o.soname] : [])];
  const strOff = new Map<string, number>();
  let dynstr = Buffer.alloc(0);
  for (const s of strs) {
    strOff.set(s, dynstr.length);
    dynstr = Buffer.concat([dynstr, Buffer.from(`${s}\0`)]);
  }
  const interp = o.interp ? Buffer.from(`${o.interp}\0`) : Buffer.alloc(0);
  const dynEntries: [number, number][] = [
    ...(o.needed ?? []).map((n): [number, number] => [1, strOff.get(n)!]),
    ...(o.soname ? [[14, strOff.get(o.soname)!] as [number, number]] : []),
    [5, 0], // DT_STRTAB, patched below
    [10, dynstr.length],
    [0, 0],
  ];
  const phnum = 3;
  const phoff = ehsize;
  const interpOff = phoff + phnum * phentsize;
  const dynstrOff = interpOff + interp.length;
  const dynOff = dynstrOff + dynstr.length;
  const dynSize = dynEntries.length * 2 * w;
  const shoff = dynOff + dynSize;
  const shnum = o.sections === false ? 0 : 3;
  const buf = Buffer.alloc(shoff + shnum * shentsize);
  const u16 = (off: number, v: number) => (o.le ? buf.writeUInt16LE(v, off) : buf.writeUInt16BE(v, off));
  const u32 = (off: number, v: number) => (o.le ? buf.writeUInt32LE(v, off) : buf.writeUInt32BE(v, off));
  const word = (off: number, v: number) =>
    w === 4 ? u32(off, v) : o.le ? buf.writeBigUInt64LE(BigInt(v), off) : buf.writeBigUInt64BE(BigInt(v), off);
  buf.writeUInt32BE(0x7f454c46, 0);
  buf[4] = o.bits === 64 ? 2 : 1;
  buf[5] = o.le ? 1 : 2;
  buf[6] = 1;
  u16(16, o.type ?? ET_DYN);
  u16(18, 183);
  const base = o.bits === 64 ? 54 : 42;
  if (o.bits === 64) {
    word(32, phoff);
    word(40, shnum ? shoff : 0);
  } else {
    word(28, phoff);
    word(32, shnum ? shoff : 0);
  }
  u16(base, phentsize);
  u16(base + 2, phnum);
  u16(base + 4, shentsize);
  u16(base + 6, shnum);
  // Virtual addresses are file offsets + 0x1000, so PT_LOAD maps them back.
  const vbase = 0x1000;
  const ph = (i: number, type: number, off: number, size: number) => {
    const p = phoff + i * phentsize;
    u32(p, type);
    if (o.bits === 64) {
      word(p + 8, off);
      word(p + 16, off + vbase);
      word(p + 32, size);
    } else {
      word(p + 4, off);
      word(p + 8, off + vbase);
      word(p + 16, size);
    }
  };
  ph(0, o.interp ? 3 : 0, interpOff, interp.length);
  ph(1, 1, 0, shoff);
  ph(2, 2, dynOff, dynSize);
  interp.copy(buf, interpOff);
  dynstr.copy(buf, dynstrOff);
  dynEntries.forEach(([tag, val], i) => {
    word(dynOff + i * 2 * w, tag);
    word(dynOff + i * 2 * w + w, tag === 5 ? dynstrOff + vbase : val);
  });
  if (shnum) {
    const sh = (i: number, type: number, off: number, size: number, link: number) => {
      const p = shoff + i * shentsize;
      u32(p + 4, type);
      if (o.bits === 64) {
        word(p + 24, off);
        word(p + 32, size);
        u32(p + 40, link);
      } else {
        word(p + 16, off);
        word(p + 20, size);
        u32(p + 24, link);
      }
    };
    sh(1, 3, dynstrOff, dynstr.length, 0); // .dynstr (SHT_STRTAB)
    sh(2, 6, dynOff, dynSize, 1); // .dynamic (SHT_DYNAMIC) linked to .dynstr
  }
  return buf;
}

const parse = (b: Buffer) => parseElf((off, len) => b.subarray(off, off + len), b.length);

describe('parseElf', () => {
  it.each([
    [64, true],
    [64, false],
    [32, true],
    [32, false],
  ] as const)('reads DT_SONAME and DT_NEEDED from a %i-bit %s-endian shared object', (bits, le) => {
    const info = parse(makeElf({ bits, le, needed: ['libc.so.6', 'libm.so.6'], soname: 'libfoo.so.1' }));
    expect(info).toEqual({ bits, endian: le ? 'little' : 'big', type: ET_DYN, machine: 183, needed: ['libc.so.6', 'libm.so.6'], soname: ['libfoo.so.1'], sections: [] });
  });

  it.each([
    [64, true],
    [32, false],
  ] as const)('finds the dynamic section through PT_DYNAMIC when a %i-bit file has no section headers', (bits, le) => {
    const info = parse(makeElf({ bits, le, sections: false, type: ET_EXEC, interp: '/lib/ld-musl-x86_64.so.1', needed: ['libz.so.1'] }));
    expect(info).toMatchObject({ type: ET_EXEC, interpreter: '/lib/ld-musl-x86_64.so.1', needed: ['libz.so.1'], soname: [] });
  });

  it('returns undefined for text, an empty buffer and a truncated header', () => {
    expect(parse(Buffer.from('#!/bin/sh\necho hello, this is not an ELF file at all, only text\n'))).toBeUndefined();
    expect(parse(Buffer.alloc(0))).toBeUndefined();
    expect(parse(makeElf({ bits: 64, le: true, needed: ['libc.so.6'] }).subarray(0, 80))).toBeUndefined();
  });

  it('returns undefined when a string offset points past the string table', () => {
    const elf = makeElf({ bits: 64, le: true, needed: ['libc.so.6'] });
    // The first dynamic entry's value (DT_NEEDED's string offset) sits right after its tag.
    const info = parse(elf);
    expect(info?.needed).toEqual(['libc.so.6']);
    const dynOff = elf.length - 3 * 64 - 4 * 16;
    elf.writeBigUInt64LE(10_000n, dynOff + 8);
    expect(parse(elf)).toBeUndefined();
  });
});

const libz = findHostLibz();

describe.skipIf(libz === undefined)('readElfFile on this machine', () => {
  it('reads the soname libz.so.1 and the libc dependency of the system zlib', () => {
    expect(readElfFile(libz!)).toMatchObject({ bits: 64, machine: process.arch === 'arm64' ? 183 : 62, soname: ['libz.so.1'], needed: ['libc.so.6'] });
  });

  it('reads the interpreter of /usr/bin/env', () => {
    const info = readElfFile('/usr/bin/env');
    expect(info?.interpreter).toMatch(/^\/lib.*\/ld-/);
    expect(info?.needed).toContain('libc.so.6');
  });

  it('returns undefined for a missing file and for a text file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'elf-'));
    writeFileSync(join(dir, 'x'), 'hello');
    expect(existsSync(join(dir, 'missing'))).toBe(false);
    expect(readElfFile(join(dir, 'missing'))).toBeUndefined();
    expect(readElfFile(join(dir, 'x'))).toBeUndefined();
  });
});

describe('parseElf section names', () => {
  it('lists the section names of a real binary of this machine', () => {
    expect(readElfFile('/usr/bin/env')?.sections).toContain('.text');
  });
});
