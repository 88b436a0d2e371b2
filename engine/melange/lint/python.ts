/**
 * The Python linters (melange pkg/linter/linters/python.go): they look at
 * the names directly under `usr/lib/python3.*\/site-packages/`. A package
 * with more than one `usr/lib/python3.*` fails all three, as in melange.
 */
import { compareBytes } from '../../order';
import { baseOf, extOf } from './paths';
import type { Finding, Linter, LintSubject } from './types';

const PYTHON_DIR = /^usr\/lib\/python3\.[^/]*$/;

/** The names under site-packages, or the finding that there is more than one Python. */
function sitePackages(s: LintSubject): string[] | Finding {
  const pythons = s.entries.filter((e) => PYTHON_DIR.test(e.path)).map((e) => e.path);
  if (pythons.length > 1) return { message: `more than one Python version detected: ${pythons.length} found` };
  if (pythons.length === 0) return [];
  const prefix = `${pythons[0]}/site-packages/`;
  return s.entries.filter((e) => e.path.startsWith(prefix) && !e.path.slice(prefix.length).includes('/')).map((e) => baseOf(e.path));
}

function anyNamed(names: readonly string[], message: string): Linter['check'] {
  return (s) => {
    const found = sitePackages(s);
    if (!Array.isArray(found)) return found;
    return found.some((n) => names.includes(n)) ? { message } : undefined;
  };
}

/** The package names a site-packages listing holds, as melange counts them (quoted, sorted). */
function packageNames(names: readonly string[]): string[] {
  const out = new Set<string>();
  for (let base of names) {
    if (base.startsWith('_') || ['test', 'tests', 'doc', 'docs'].includes(base)) continue;
    const ext = extOf(base);
    if (['.egg-info', '.dist-info', '.pth'].includes(ext)) continue;
    // melange keeps the first len(ext) characters here (not the name without its extension); the count depends on it.
    if (ext.length > 0) base = base.slice(0, ext.length);
    if (base === '') continue;
    out.add(JSON.stringify(base));
  }
  return [...out].sort(compareBytes);
}

/** python/docs, python/multiple and python/test. */
export const pythonLinters: readonly Linter[] = [
  { name: 'python/docs', byDefault: 'warn', explain: 'Remove all docs directories from the package', check: anyNamed(['doc', 'docs'], 'docs directory encountered in Python site-packages directory') },
  {
    name: 'python/multiple',
    byDefault: 'warn',
    explain: 'Split this package up into multiple packages and verify you are not improperly using pip install',
    check(s) {
      const found = sitePackages(s);
      if (!Array.isArray(found)) return found;
      const names = packageNames(found);
      return names.length > 1 ? { message: `multiple Python packages detected: ${names.length} found (${names.join(', ')})`, items: names } : undefined;
    },
  },
  { name: 'python/test', byDefault: 'warn', explain: 'Remove all test directories from the package', check: anyNamed(['test', 'tests'], 'tests directory encountered in Python site-packages directory') },
];
