/**
 * Automatic dependencies, as melange's SCA (`pkg/sca/sca.go`) computes them
 * from a package's files:
 * - executables (mode r-x for all) that are ELF: `so:<interpreter>` and
 *   `so:<DT_NEEDED>` depends (names containing `.so.`); their DT_SONAMEs are
 *   `so:<soname>=<libver>` provides when the file sits directly in lib/,
 *   usr/lib/, lib64/ or usr/lib64/ (elsewhere they are only "vendored");
 * - executables directly in bin/, sbin/, usr/bin/, usr/sbin/:
 *   `cmd:<name>=<full-version>` provides;
 * - pkg-config files: `pc:<name>=<Version>` provides (lib/, lib64/, usr/lib/,
 *   usr/lib64/ and usr/share/ `pkgconfig/` dirs; elsewhere vendored);
 * - `#!` scripts in bin/ and usr/bin/: `cmd:<interpreter>` depends;
 * - symlinks named `*.so*` to a library another package of the same build
 *   ships: `so:<its soname>` depends (how a -dev package depends on its lib).
 * `options` switch the kinds off. Language-ecosystem heuristics (python,
 * ruby) are not implemented.
 */
import { promises as fsp } from 'node:fs';
import { join, posix } from 'node:path';
import { readElfFile } from './elf';
import type { DestEntry } from './destdir';
import type { Dependencies, PackageOptions } from './model';
import { compareBytes } from '../order';

/** What the scan found; `vendored` becomes `# vendored =` comments. */
export interface GeneratedDependencies {
  runtime: string[];
  provides: string[];
  vendored: string[];
}

/** What the scan of one package needs. */
export interface ScaInput {
  readonly entries: readonly DestEntry[];
  readonly options: PackageOptions;
  /** `<version>-r<epoch>`. */
  readonly fullVersion: string;
  /** Output directories of every package of this build (origin first), for library symlinks. */
  readonly relatives: ReadonlyMap<string, string>;
  readonly log: (line: string) => void;
}

const LIB_DIRS = new Set(['lib', 'usr/lib', 'lib64', 'usr/lib64']);
const CMD_DIRS = new Set(['bin', 'sbin', 'usr/bin', 'usr/sbin']);
const PC_DIRS = new Set(['lib/pkgconfig', 'usr/lib/pkgconfig', 'lib64/pkgconfig', 'usr/lib64/pkgconfig', 'usr/share/pkgconfig']);
/** Interpreters reached through symlinks no package provides as a command (melange's list). */
const SHBANG_IGNORED = new Set(['python3', 'python', 'sh']);

const isExecutable = (e: DestEntry): boolean => e.type === 'file' && (e.mode & 0o555) === 0o555;

/** melange's `sonameLibver`: the digits after `.so.`, or 0. */
export function sonameVersion(soname: string): string {
  const i = soname.indexOf('.so.');
  if (i < 0) return '0';
  const v = soname.slice(i + 4).split('.so.')[0]!;
  return /^[0-9.]+$/.test(v) ? v : '0';
}

/** The `Version:` of a pkg-config file with `${var}` references expanded; undefined when absent. */
export function pkgConfigVersion(text: string): string | undefined {
  const vars = new Map<string, string>();
  const expand = (s: string): string => s.replace(/\$\{([A-Za-z0-9_.]+)\}/g, (_, n: string) => vars.get(n) ?? '');
  for (const line of text.split('\n')) {
    const v = /^\s*([A-Za-z0-9_.]+)\s*=\s*(.*)$/.exec(line);
    if (v) vars.set(v[1]!, expand(v[2]!.trim()));
    const f = /^\s*Version\s*:\s*(.*)$/.exec(line);
    if (f) return expand(f[1]!.trim());
  }
  return undefined;
}

/** apk spelling of a pkg-config version (melange: `-rc1` → `_rc1`, no `-release`). */
function apkPcVersion(v: string): string {
  return v.replace(/-(alpha|beta|rc|pre)/g, '_$1').replace(/-release$/, '');
}

/** The interpreter a `#!` line names, reading only its first line; undefined when none or ignored. */
export function shbangCommand(head: Buffer): string | undefined {
  if (head[0] !== 0x23 || head[1] !== 0x21) return undefined;
  const toks = head.subarray(2).toString('utf8').split('\n')[0]!.trim().split(/\s+/).filter((t) => t !== '');
  let bin = toks[0];
  if (bin === '/usr/bin/env') bin = toks[1] === '-S' ? toks[2] : toks[1];
  if (bin === undefined || bin.startsWith('-')) return undefined;
  const base = posix.basename(bin);
  return SHBANG_IGNORED.has(base) ? undefined : base;
}

/** Follows symlinks inside `root` only (an absolute target means root-relative); undefined if it leaves or loops. */
async function resolveInside(root: string, rel: string): Promise<string | undefined> {
  let cur = rel;
  for (let hops = 0; hops < 40; hops++) {
    const st = await fsp.lstat(join(root, cur)).catch(() => undefined);
    if (st === undefined) return undefined;
    if (!st.isSymbolicLink()) return st.isFile() ? join(root, cur) : undefined;
    const target = await fsp.readlink(join(root, cur));
    cur = posix.normalize(target.startsWith('/') ? target.slice(1) : posix.join(posix.dirname(cur), target));
    if (cur.startsWith('..')) return undefined;
  }
  return undefined;
}

/** A symlink to a library in one of the build's packages: the library's sonames. */
async function sonamesBehind(link: DestEntry, relatives: ReadonlyMap<string, string>): Promise<string[]> {
  const base = posix.basename(link.linkname ?? '');
  for (const dir of relatives.values()) {
    for (const lib of LIB_DIRS) {
      const found = await resolveInside(dir, `${lib}/${base}`);
      if (found === undefined) continue;
      return [...(readElfFile(found)?.soname ?? [])];
    }
  }
  return [];
}

/** Scans one package's entries. */
export async function scanDependencies(input: ScaInput): Promise<GeneratedDependencies> {
  const o = input.options;
  const out: GeneratedDependencies = { runtime: [], provides: [], vendored: [] };
  for (const e of input.entries) {
    const dir = posix.dirname(e.path);
    const base = posix.basename(e.path);
    if (e.type === 'symlink' && e.path.includes('.so')) {
      if (!o.noDepends) for (const s of await sonamesBehind(e, input.relatives)) out.runtime.push(`so:${s}`);
      continue;
    }
    if (isExecutable(e)) {
      const elf = readElfFile(e.hostPath);
      if (elf !== undefined) {
        if (elf.interpreter !== undefined && !o.noDepends) {
          // musl's interpreter is a symlink to libc itself, which provides so:libc.musl-<arch>.so.1.
          out.runtime.push(`so:${posix.basename(elf.interpreter)}`.replace('so:ld-musl', 'so:libc.musl'));
        }
        if (!o.noDepends) for (const lib of elf.needed) if (lib.includes('.so.')) out.runtime.push(`so:${lib}`);
        // Programs have no SONAME, except libraries that are also runnable (libc); melange goes by the file name.
        if (elf.interpreter === undefined || base.includes('.so.')) {
          for (const so of elf.soname) {
            const atom = `so:${so}=${sonameVersion(so)}`;
            if (!LIB_DIRS.has(dir)) out.vendored.push(atom);
            else if (!o.noProvides) out.provides.push(atom);
          }
        }
      }
      if (CMD_DIRS.has(dir) && !o.noCommands && !o.noProvides) out.provides.push(`cmd:${base}=${input.fullVersion}`);
    }
    if (e.type === 'file' && base.endsWith('.pc') && !o.noProvides) {
      const version = pkgConfigVersion(Buffer.from(e.data ?? '').toString('utf8'));
      if (version === undefined) input.log(`warning: ${e.path} has no Version: field; no pc: provider generated`);
      else (PC_DIRS.has(dir) ? out.provides : out.vendored).push(`pc:${base.slice(0, -3)}=${apkPcVersion(version)}`);
    }
    if (e.type === 'file' && (e.path.startsWith('usr/bin/') || e.path.startsWith('bin/')) && !o.noDepends) {
      const cmd = shbangCommand(Buffer.from(e.data ?? '').subarray(0, 256));
      if (cmd !== undefined) out.runtime.push(`cmd:${cmd}`);
    }
  }
  return out;
}

/** Sorted by bytes, duplicates dropped (Go's sort.Strings + Compact). */
function sortedUnique(list: readonly string[]): string[] {
  return [...new Set(list)].sort(compareBytes);
}

/** Drops dependencies on names `provided` already provides (melange's removeSelfProvidedDeps). */
function removeSelfProvided(deps: readonly string[], provided: readonly string[]): string[] {
  const names = new Set(provided.map((p) => p.split('=')[0]!));
  return deps.filter((d) => !names.has(d.startsWith('so-ver:') ? d.split('>=')[0]! : d));
}

/** Declared plus generated dependencies, as melange's GenerateDependencies merges them. */
export function mergeDependencies(declared: Dependencies, generated: GeneratedDependencies): { depend: string[]; provides: string[]; vendored: string[] } {
  const runtime = sortedUnique([...declared.runtime, ...removeSelfProvided(generated.runtime, generated.vendored)]);
  const provides = sortedUnique([...declared.provides, ...generated.provides]);
  return { depend: removeSelfProvided(runtime, provides), provides, vendored: sortedUnique(generated.vendored) };
}
