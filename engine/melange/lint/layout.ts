/**
 * The linters about where a package puts things in the filesystem layout
 * (melange pkg/linter/linters: tempdir.go, usrmerge.go, empty.go).
 */
import { allPaths, isIgnoredPath } from './paths';
import type { Linter } from './types';

const TEMP_DIR = /^(var\/)?tmp\//;
/** The top-level directories a merged /usr replaces with links into /usr. */
const UNMERGED = ['sbin', 'bin', 'usr/sbin', 'lib', 'lib64'];

/**
 * Files under /tmp or /var/tmp, anything under /var/run, files under /run,
 * and directories under /run unless a tmpfiles.d snippet creates them at boot.
 */
export const tempdirLinter: Linter = {
  name: 'tempdir',
  byDefault: 'require',
  explain: 'Remove any offending files in temporary dirs in the pipeline, or add a /usr/lib/tmpfiles.d/ snippet in the case of dirs under /run/',
  check(s) {
    const snippet = s.entries.some((e) => e.path.startsWith('usr/lib/tmpfiles.d/'));
    return allPaths(
      s.entries,
      (e) => {
        if (e.type !== 'dir' && TEMP_DIR.test(e.path)) return true;
        if (e.path.startsWith('var/run/')) return true;
        if (e.path.startsWith('run/')) return e.type !== 'dir' || !snippet;
        return false;
      },
      () => `${s.name} writes to a temp dir`,
    );
  },
};

/** Everything at or under /bin, /sbin, /lib, /lib64 and /usr/sbin, links included: a merged /usr has them in /usr/bin and /usr/lib. */
export const usrmergeLinter: Linter = {
  name: 'usrmerge',
  byDefault: 'require',
  explain: 'Move binary to /usr/bin',
  check: (s) => allPaths(s.entries, (e) => !isIgnoredPath(e.path) && UNMERGED.some((d) => e.path === d || e.path.startsWith(`${d}/`)), () => 'Package contains paths in violation of usrmerge:'),
};

/** A package with no file outside the SBOM directory (off by default in melange: meta-packages are empty on purpose). */
export const emptyLinter: Linter = {
  name: 'empty',
  byDefault: 'ignore',
  explain: 'Verify that this package is supposed to be empty; if it is, disable this linter; otherwise check the build',
  check(s) {
    if (s.entries.some((e) => e.type !== 'dir' && !isIgnoredPath(e.path))) return undefined;
    return { message: 'package is empty but no-provides is not set' };
  },
};
