/**
 * melange's `--lint-require` and `--lint-warn`, shared by `melange build`
 * and `melange lint`. A flag not given leaves the engine's default set
 * (melange's); `--lint-require=` (empty) names no linter at all.
 */
import type { FlagSpec, ParsedArgs } from './args';

export const LINT_FLAGS: Readonly<Record<string, FlagSpec>> = {
  'lint-require': { type: 'list', split: true, value: 'LINTER,...', description: "linters whose findings fail (default melange's: dev, infodir, libtool/la-files, setuidgid, tempdir, usrmerge, varempty, worldwrite)" },
  'lint-warn': { type: 'list', split: true, value: 'LINTER,...', description: "linters whose findings are printed as warnings (default melange's warning set)" },
};

/** The linters a flag names, or undefined when it was not given. */
export function lintList(p: ParsedArgs, name: 'lint-require' | 'lint-warn'): string[] | undefined {
  const v = p.flags[name];
  return Array.isArray(v) ? v.filter((n) => n !== '') : undefined;
}
