/**
 * The linters about permission bits of regular files (melange
 * pkg/linter/linters: setuidgid.go, worldwrite.go). Links and directories
 * are never flagged; modes print in octal without a leading zero, as melange
 * prints them.
 */
import { count, describeEntries, itemized } from './paths';
import type { Finding, LintEntry, Linter, LintSubject } from './types';

const SPECIAL: readonly (readonly [number, string])[] = [
  [0o4000, 'setuid'],
  [0o2000, 'setgid'],
  [0o1000, 'sticky'],
];

function flagged(s: LintSubject, item: (e: LintEntry) => string | undefined, message: (n: number) => string): Finding | undefined {
  return itemized(describeEntries(s.entries, (e) => (e.type === 'file' ? item(e) : undefined)), message);
}

/** Files with setuid, setgid or the sticky bit. */
export const setuidgidLinter: Linter = {
  name: 'setuidgid',
  byDefault: 'require',
  explain: 'Unset the setuid/setgid bit on the relevant files, or remove this linter',
  check: (s) =>
    flagged(
      s,
      (e) => {
        const bits = SPECIAL.filter(([b]) => (e.mode & b) !== 0).map(([, n]) => n);
        return bits.length === 0 ? undefined : `${e.path} (mode: ${e.mode.toString(8)}, ${bits.join('+')})`;
      },
      (n) => `${s.name} contains ${count(n, 'file', 'files')} with special permissions (setuid/setgid)`,
    ),
};

/** Files anyone may write. */
export const worldwriteLinter: Linter = {
  name: 'worldwrite',
  byDefault: 'require',
  explain: 'Change the permissions of any permissive files in the package, disable the linter, or make this a -compat package',
  check: (s) =>
    flagged(
      s,
      (e) => ((e.mode & 0o002) === 0 ? undefined : `${e.path} (mode: ${e.mode.toString(8)}) [world-writable${(e.mode & 0o111) !== 0 ? '+executable' : ''}]`),
      (n) => `${s.name} contains ${count(n, 'world-writeable file', 'world-writeable files')}`,
    ),
};
