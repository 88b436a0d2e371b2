/**
 * Every linter melange has, by the name `--lint-require`, `--lint-warn` and
 * `checks.disabled` use (melange pkg/linter/linter.go), and the default
 * sets: the linters that fail a build, and the ones that only warn. The
 * table is the one place both come from; names are checked against it.
 */
import { ConfigError } from '../../errors';
import { compareBytes } from '../../order';
import { binaryarchLinter, stripLinter } from './binaries';
import { duplicateLinter } from './duplicate';
import { emptyLinter, tempdirLinter, usrmergeLinter } from './layout';
import { setuidgidLinter, worldwriteLinter } from './modes';
import { PATH_LINTERS } from './path-rules';
import { nonlinuxLinter, unsupportedarchLinter } from './platforms';
import { pythonLinters } from './python';
import type { Linter } from './types';

/** Every linter, by name. */
export const LINTERS: ReadonlyMap<string, Linter> = new Map(
  [
    ...PATH_LINTERS,
    ...pythonLinters,
    setuidgidLinter,
    worldwriteLinter,
    tempdirLinter,
    usrmergeLinter,
    emptyLinter,
    stripLinter,
    binaryarchLinter,
    nonlinuxLinter,
    unsupportedarchLinter,
    duplicateLinter,
  ].map((l) => [l.name, l]),
);

function byDefault(kind: Linter['byDefault']): readonly string[] {
  return Object.freeze([...LINTERS.values()].filter((l) => l.byDefault === kind).map((l) => l.name).sort(compareBytes));
}

/** The linters whose findings fail a build unless told otherwise, sorted as melange lists them. */
export const DEFAULT_LINT_REQUIRE = byDefault('require');
/** The linters whose findings only warn unless told otherwise. */
export const DEFAULT_LINT_WARN = byDefault('warn');

/** The names as given, each checked against the table; `where` names the flag or key in the error. */
export function checkLinterNames(names: readonly string[], where: string): string[] {
  const unknown = names.filter((n) => !LINTERS.has(n));
  if (unknown.length > 0) {
    throw new ConfigError(`${where}: unknown linter${unknown.length === 1 ? '' : 's'} ${unknown.map((n) => `"${n}"`).join(', ')}`, {
      hint: `the linters are ${[...LINTERS.keys()].sort(compareBytes).join(', ')}`,
    });
  }
  return [...names];
}
