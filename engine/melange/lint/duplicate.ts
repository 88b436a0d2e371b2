/**
 * The duplicate linter (melange pkg/linter/linters/duplicate.go): regular
 * files of at least 1 KiB with the same name and the same bytes in more
 * than one directory, license files excepted (packages ship one per
 * component on purpose). Sets are reported by the bytes they waste, largest
 * first; sizes as go-humanize prints them (SI units).
 */
import { sha256Hex } from '../../digest';
import { compareBytes } from '../../order';
import { baseOf, extOf } from './paths';
import type { Linter } from './types';

const MIN_SIZE = 1024;

/** go-humanize's Bytes: `999 B`, `1.0 kB`, `12 MB`. */
export function humanBytes(n: number): string {
  if (n < 10) return `${n} B`;
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  const e = Math.floor(Math.log(n) / Math.log(1000));
  const v = Math.floor((n / 1000 ** e) * 10 + 0.5) / 10;
  return `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ${units[e]}`;
}

/** melange's license file names (after licensee): LICENSE, COPYING, OFL, PATENTS and their variants. */
const LICENSE = '(un)?licen[sc]e';
const COPYING = 'copy(ing|right)';
const ANY_EXT = '(\\.[^./]+$)';
const PREFERRED_EXT = '\\.(?:\\.md|\\.markdown|\\.txt|\\.html)$';
const LICENSE_NAMES = [
  `^${LICENSE}$`, `^${LICENSE}${PREFERRED_EXT}$`, `^${COPYING}$`, `^${COPYING}${PREFERRED_EXT}$`,
  `^${LICENSE}${ANY_EXT}$`, `^${COPYING}${ANY_EXT}$`, `^${LICENSE}[-_][^.]*${ANY_EXT}?$`, `^${COPYING}[-_][^.]*${ANY_EXT}?$`,
  `^\\w+[-_]${LICENSE}[^.]*${ANY_EXT}?$`, `^\\w+[-_]${COPYING}[^.]*${ANY_EXT}?$`,
  `^ofl${PREFERRED_EXT}`, `^ofl${ANY_EXT}`, '^ofl$', '^patents$', `^patents${ANY_EXT}$`,
].map((re) => new RegExp(re, 'i'));
const NOT_LICENSE_EXT = ['.xml', '.go', '.gemspec', '.spdx', '.header'];

/** True for a file melange takes for a license text. */
export function isLicenseFile(path: string): boolean {
  const base = baseOf(path.replace(/-\d+\.\d+\.\d+-/g, '-'));
  return !NOT_LICENSE_EXT.includes(extOf(base)) && LICENSE_NAMES.some((re) => re.test(base));
}

export const duplicateLinter: Linter = {
  name: 'duplicate',
  byDefault: 'warn',
  explain: 'This package contains files with the same name and content in different directories (consider symlinking)',
  check(s) {
    const sets = new Map<string, { base: string; size: number; paths: string[] }>();
    for (const e of s.entries) {
      if (e.type !== 'file' || e.size < MIN_SIZE || isLicenseFile(e.path)) continue;
      const base = baseOf(e.path);
      const key = `${sha256Hex(e.read())}\0${base}`;
      const set = sets.get(key);
      if (set === undefined) sets.set(key, { base, size: e.size, paths: [e.path] });
      else set.paths.push(e.path);
    }
    const dups = [...sets.values()]
      .filter((d) => d.paths.length > 1)
      .map((d) => ({ ...d, paths: [...d.paths].sort(compareBytes), wasted: (d.paths.length - 1) * d.size }))
      .sort((a, b) => b.wasted - a.wasted || compareBytes(a.base, b.base));
    if (dups.length === 0) return undefined;
    const total = dups.reduce((n, d) => n + d.wasted, 0);
    return {
      message: `${s.name} contains ${dups.length} duplicate file(s) with same name in different directories (wasting ${humanBytes(total)} total)`,
      items: dups.map((d) => `${d.paths.length} copies of '${d.base}' (${humanBytes(d.size)} each, wasting ${humanBytes(d.wasted)}): ${d.paths.join(', ')}`),
    };
  },
};
