/**
 * Just enough ELF for melange's automatic dependencies and the image's
 * /etc/ld.so.cache: the file type, the machine,
 * the program interpreter (PT_INTERP), and the DT_NEEDED / DT_SONAME strings
 * of the dynamic section, for 32- and 64-bit files of either byte order.
 * The dynamic section is found through the section headers (as Go's
 * debug/elf does), or through PT_DYNAMIC when a file has none. Malformed or
 * truncated input yields undefined, never an exception: most files a
 * package holds are not ELF at all.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** ET_EXEC: an executable. */
export const ET_EXEC = 2;
/** ET_DYN: a shared object or position-independent executable. */
export const ET_DYN = 3;

/** What the dependency scan needs from one ELF file. */
export interface ElfInfo {
  readonly bits: 32 | 64;
  readonly endian: 'little' | 'big';
  /** e_type: ET_EXEC, ET_DYN, … */
  readonly type: number;
  /** e_machine: EM_X86_64 (62), EM_AARCH64 (183), … */
  readonly machine: number;
  /** PT_INTERP, e.g. `/lib64/ld-linux-x86-64.so.2`; absent for shared libraries and static programs. */
  readonly interpreter?: string;
  /** DT_NEEDED entries in file order. */
  readonly needed: readonly string[];
  /** DT_SONAME entries (normally zero or one). */
  readonly soname: readonly string[];
  /** Section names from the section header string table, in header order (empty without one); melange's strip linter asks for `.debug`. */
  readonly sections: readonly string[];
}

/** Reads `length` bytes at `offset`; may return fewer at the end of the file. */
type ReadAt = (offset: number, length: number) => Buffer;

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const SHT_DYNAMIC = 6;
const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_STRSZ = 10;
const DT_SONAME = 14;
/** Bounds against hostile headers: no real file has more. */
const MAX_HEADERS = 65535;
const MAX_DYNAMIC = 1 << 20;

class Truncated extends Error {}

/** Field access for one class and byte order. */
class Fields {
  constructor(
    private readonly read: ReadAt,
    private readonly size: number,
    readonly bits: 32 | 64,
    private readonly le: boolean,
  ) {}
  bytes(off: number, len: number): Buffer {
    if (off < 0 || len < 0 || off + len > this.size) throw new Truncated();
    const b = this.read(off, len);
    if (b.length < len) throw new Truncated();
    return b;
  }
  u16(off: number): number {
    const b = this.bytes(off, 2);
    return this.le ? b.readUInt16LE(0) : b.readUInt16BE(0);
  }
  u32(off: number): number {
    const b = this.bytes(off, 4);
    return this.le ? b.readUInt32LE(0) : b.readUInt32BE(0);
  }
  /** A word: 4 bytes in ELF32, 8 in ELF64 (as a safe integer). */
  word(off: number): number {
    if (this.bits === 32) return this.u32(off);
    const b = this.bytes(off, 8);
    const v = this.le ? b.readBigUInt64LE(0) : b.readBigUInt64BE(0);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Truncated();
    return Number(v);
  }
  /** A NUL-terminated string inside [start, start+limit). */
  cstring(start: number, limit: number): string {
    const max = Math.min(limit, this.size - start, 4096);
    const b = this.bytes(start, Math.max(0, max));
    const nul = b.indexOf(0);
    return b.subarray(0, nul < 0 ? b.length : nul).toString('utf8');
  }
}

interface Segment {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
}

function segments(f: Fields, phoff: number, phentsize: number, phnum: number): Segment[] {
  const out: Segment[] = [];
  for (let i = 0; i < Math.min(phnum, MAX_HEADERS); i++) {
    const p = phoff + i * phentsize;
    out.push(
      f.bits === 64
        ? { type: f.u32(p), offset: f.word(p + 8), vaddr: f.word(p + 16), filesz: f.word(p + 32) }
        : { type: f.u32(p), offset: f.word(p + 4), vaddr: f.word(p + 8), filesz: f.word(p + 16) },
    );
  }
  return out;
}

/** The dynamic section and its string table as file offsets. */
function dynamicFromSections(f: Fields, shoff: number, shentsize: number, shnum: number) {
  const sh = (i: number) => {
    const p = shoff + i * shentsize;
    return f.bits === 64
      ? { type: f.u32(p + 4), offset: f.word(p + 24), size: f.word(p + 32), link: f.u32(p + 40) }
      : { type: f.u32(p + 4), offset: f.word(p + 16), size: f.word(p + 20), link: f.u32(p + 24) };
  };
  for (let i = 0; i < Math.min(shnum, MAX_HEADERS); i++) {
    const s = sh(i);
    if (s.type !== SHT_DYNAMIC) continue;
    if (s.link >= shnum) return undefined;
    const str = sh(s.link);
    return { offset: s.offset, size: s.size, strOffset: str.offset, strSize: str.size };
  }
  return undefined;
}

/** The names of the sections, read through e_shstrndx; empty when the file has no usable string table. */
function sectionNames(f: Fields, sh: { off: number; entsize: number; num: number; strndx: number }): string[] {
  // e_shstrndx 0 (SHN_UNDEF) means the file has no section name table.
  if (sh.off === 0 || sh.num === 0 || sh.strndx === 0 || sh.strndx >= sh.num) return [];
  try {
    return readSectionNames(f, sh);
  } catch (err) {
    // A broken section table costs only the names: the rest of the file's facts still hold.
    if (err instanceof Truncated) return [];
    throw err;
  }
}

function readSectionNames(f: Fields, sh: { off: number; entsize: number; num: number; strndx: number }): string[] {
  const at = (i: number) => sh.off + i * sh.entsize;
  const str = at(sh.strndx);
  const [strOffset, strSize] = f.bits === 64 ? [f.word(str + 24), f.word(str + 32)] : [f.word(str + 16), f.word(str + 20)];
  const out: string[] = [];
  for (let i = 0; i < Math.min(sh.num, MAX_HEADERS); i++) {
    const name = f.u32(at(i));
    out.push(name < strSize ? f.cstring(strOffset + name, strSize - name) : '');
  }
  return out;
}

/** Without section headers: PT_DYNAMIC, with DT_STRTAB's address mapped through the PT_LOAD segments. */
function dynamicFromSegments(f: Fields, segs: readonly Segment[]) {
  const dyn = segs.find((s) => s.type === PT_DYNAMIC);
  if (dyn === undefined) return undefined;
  const entries = readDynamic(f, dyn.offset, dyn.filesz);
  const strtab = entries.find((e) => e.tag === DT_STRTAB)?.val;
  const strsz = entries.find((e) => e.tag === DT_STRSZ)?.val ?? 0;
  if (strtab === undefined) return undefined;
  const load = segs.find((s) => s.type === PT_LOAD && strtab >= s.vaddr && strtab < s.vaddr + s.filesz);
  if (load === undefined) return undefined;
  return { offset: dyn.offset, size: dyn.filesz, strOffset: strtab - load.vaddr + load.offset, strSize: strsz };
}

function readDynamic(f: Fields, offset: number, size: number): { tag: number; val: number }[] {
  const ent = f.bits === 64 ? 16 : 8;
  const out: { tag: number; val: number }[] = [];
  for (let p = offset; p + ent <= offset + Math.min(size, MAX_DYNAMIC); p += ent) {
    const tag = f.word(p);
    if (tag === DT_NULL) break;
    out.push({ tag, val: f.word(p + ent / 2) });
  }
  return out;
}

/** Parses an ELF file through a positional reader; undefined when it is not a well-formed ELF file. */
export function parseElf(read: ReadAt, size: number): ElfInfo | undefined {
  try {
    if (size < 52) return undefined;
    const ident = read(0, 16);
    if (ident.length < 16 || ident.readUInt32BE(0) !== 0x7f454c46) return undefined;
    const bits = ident[4] === 1 ? 32 : ident[4] === 2 ? 64 : undefined;
    const le = ident[5] === 1 ? true : ident[5] === 2 ? false : undefined;
    if (bits === undefined || le === undefined) return undefined;
    const f = new Fields(read, size, bits, le);
    const type = f.u16(16);
    const machine = f.u16(18);
    const [phoff, shoff] = bits === 64 ? [f.word(32), f.word(40)] : [f.word(28), f.word(32)];
    const base = bits === 64 ? 54 : 42;
    const [phentsize, phnum, shentsize, shnum, shstrndx] = [f.u16(base), f.u16(base + 2), f.u16(base + 4), f.u16(base + 6), f.u16(base + 8)];
    const segs = phoff > 0 && phnum > 0 ? segments(f, phoff, phentsize, phnum) : [];
    const interp = segs.find((s) => s.type === PT_INTERP);
    const interpreter = interp ? f.bytes(interp.offset, interp.filesz).toString('utf8').replace(/\0+$/, '') : undefined;
    const dyn = (shoff > 0 && shnum > 0 ? dynamicFromSections(f, shoff, shentsize, shnum) : undefined) ?? dynamicFromSegments(f, segs);
    const needed: string[] = [];
    const soname: string[] = [];
    if (dyn !== undefined) {
      for (const e of readDynamic(f, dyn.offset, dyn.size)) {
        if (e.tag !== DT_NEEDED && e.tag !== DT_SONAME) continue;
        if (dyn.strSize > 0 && e.val >= dyn.strSize) return undefined;
        const s = f.cstring(dyn.strOffset + e.val, dyn.strSize > 0 ? dyn.strSize - e.val : 4096);
        (e.tag === DT_NEEDED ? needed : soname).push(s);
      }
    }
    const sections = sectionNames(f, { off: shoff, entsize: shentsize, num: shnum, strndx: shstrndx });
    return { bits, endian: le ? 'little' : 'big', type, machine, ...(interpreter ? { interpreter } : {}), needed, soname, sections };
  } catch (err) {
    if (err instanceof Truncated) return undefined;
    throw err;
  }
}

/** Parses an ELF file on disk without reading all of it; undefined for anything that is not ELF. */
export function readElfFile(path: string): ElfInfo | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    return parseElf((offset, length) => {
      const buf = Buffer.alloc(length);
      const n = readSync(fd, buf, 0, length, offset);
      return buf.subarray(0, n);
    }, size);
  } finally {
    closeSync(fd);
  }
}
