/**
 * The linters that read ELF files (melange pkg/linter/linters: strip.go,
 * binaryarch.go). Both look only at regular files outside the SBOM
 * directory that are executable or named like a library, and that start
 * with the ELF magic.
 */
import { parseElf, type ElfInfo } from '../../elf';
import { count, extOf, isIgnoredPath, itemized } from './paths';
import type { LintEntry, LintSubject, Linter } from './types';

/** melange's IsObjectFileRegex, matched (unanchored, as melange does) against the extension. */
const LIBRARY_EXT = /\.(a|so|dylib)(\..*)?/;
const EM_X86_64 = 62;
const EM_AARCH64 = 183;
const MACHINE_NAMES: Readonly<Record<number, string>> = { 62: 'amd64', 183: 'arm64', 3: 'i386', 40: 'arm', 21: 'ppc64', 22: 's390', 8: 'mips', 243: 'riscv' };

/** The ELF files a linter looks at, each with its facts. */
function elfFiles(s: LintSubject): { entry: LintEntry; elf: ElfInfo }[] {
  const out: { entry: LintEntry; elf: ElfInfo }[] = [];
  for (const e of s.entries) {
    if (e.type !== 'file' || isIgnoredPath(e.path) || e.size < 4) continue;
    if ((e.mode & 0o111) === 0 && !LIBRARY_EXT.test(extOf(e.path))) continue;
    const bytes = e.read();
    if (bytes.readUInt32BE(0) !== 0x7f454c46) continue;
    const elf = parseElf((offset, length) => bytes.subarray(offset, offset + length), bytes.length);
    if (elf !== undefined) out.push({ entry: e, elf });
  }
  return out;
}

/**
 * Binaries carrying debug sections. melange asks for sections named exactly
 * `.debug` or `.zdebug` (Go's elf.File.Section), so the DWARF sections
 * (`.debug_info`, …) of today's compilers do not count; this linter does the same.
 */
export const stripLinter: Linter = {
  name: 'strip',
  byDefault: 'warn',
  explain: 'Properly strip all binaries in the pipeline',
  check: (s) =>
    itemized(
      elfFiles(s).filter(({ elf }) => elf.sections.includes('.debug') || elf.sections.includes('.zdebug')).map(({ entry }) => entry.path),
      (n) => `${s.name} contains ${count(n, 'unstripped binary', 'unstripped binaries')}`,
    ),
};

/** Binaries for machines other than x86_64 and aarch64. */
export const binaryarchLinter: Linter = {
  name: 'binaryarch',
  byDefault: 'warn',
  explain: 'This package contains binaries compiled for unsupported architectures (only aarch64/arm64 and amd64/x86_64 binaries are supported)',
  check: (s) =>
    itemized(
      elfFiles(s).filter(({ elf }) => elf.machine !== EM_X86_64 && elf.machine !== EM_AARCH64).map(({ entry, elf }) => `${entry.path} (${MACHINE_NAMES[elf.machine] ?? `unknown (${elf.machine})`})`),
      (n) => `${s.name} contains ${count(n, 'binary', 'binaries')} compiled for unsupported architecture(s)`,
    ),
};
