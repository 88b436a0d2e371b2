/**
 * The linters that read platform and architecture names in paths (melange
 * pkg/linter/linters: nonlinux.go, unsupportedarch.go). Names are compared
 * in lower case; directories themselves are not reported.
 */
import { baseOf, describeEntries, dirOf, itemized } from './paths';
import type { Linter } from './types';

/** Platform → the spellings that name it, macOS first (melange's map has no order; a path naming both is reported once). */
const PLATFORMS: readonly (readonly [string, readonly string[]])[] = [
  ['macos', ['darwin', 'macos', 'mac_os', 'mac-os', 'osx', 'os_x', 'os-x']],
  ['windows', ['windows', 'win32', 'win64']],
];
const SUPPORTED = ['aarch64', 'arm64', 'amd64', 'x86_64', 'x86-64'];
const UNSUPPORTED = ['i386', 'i686', 'x86_32', 'x86-32', 'ppc64', 'ppc64le', 'powerpc', 's390x', 's390', 'mips', 'mipsel', 'mips64', 'riscv', 'riscv64', 'sparc', 'sparc64', 'ia64', 'm68k'];

/** Files whose directory or name mentions macOS or Windows. */
export const nonlinuxLinter: Linter = {
  name: 'nonlinux',
  byDefault: 'warn',
  explain: 'This package contains references to non-Linux paths',
  check: (s) =>
    itemized(
      describeEntries(s.entries, (e) => {
        const [dir, base] = [dirOf(e.path).toLowerCase(), baseOf(e.path).toLowerCase()];
        const hit = PLATFORMS.find(([, names]) => names.some((n) => dir.includes(n) || base.includes(n)));
        return hit === undefined ? undefined : `${e.path} (${hit[0]})`;
      }),
      (n) => `${s.name} contains ${n} non-Linux reference(s)`,
    ),
};

/** The unsupported architecture a file's path names, if any: a directory component, or a name part between separators (unless the path also names a supported one). */
function unsupportedArchOf(path: string): string | undefined {
  const lower = path.toLowerCase();
  const dir = dirOf(path).toLowerCase();
  const base = baseOf(path).toLowerCase();
  for (const arch of UNSUPPORTED) {
    if (dir.includes(`/${arch}`)) return arch;
    const named = ['-', '_', '.'].some((sep) => base.includes(`${sep}${arch}${sep}`) || base.includes(`${sep}${arch}.`) || base.endsWith(`${sep}${arch}`));
    if (named && !SUPPORTED.some((ok) => lower.includes(ok))) return arch;
  }
  return undefined;
}

/** Files whose path names an architecture other than x86_64 and aarch64. */
export const unsupportedarchLinter: Linter = {
  name: 'unsupportedarch',
  byDefault: 'warn',
  explain: 'This package contains references to unsupported architectures (only aarch64/arm64 and amd64/x86_64 are supported)',
  check: (s) =>
    itemized(
      describeEntries(s.entries, (e) => {
        const arch = unsupportedArchOf(e.path);
        return arch === undefined ? undefined : `${e.path} (${arch})`;
      }),
      (n) => `${s.name} contains ${n} unsupported architecture reference(s)`,
    ),
};
