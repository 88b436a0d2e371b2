/**
 * `apko-nx melange lint <package.apk>...`: runs melange's linters on built
 * packages, as `melange build` runs them on its output; a required
 * linter's finding fails with exit status 1 after every package was linted.
 */
import { UsageError } from '../args';
import type { Command } from '../command';
import { LINT_FLAGS, lintList } from '../lint-flags';

export const melangeLintCommand: Command = {
  name: 'melange lint',
  summary: "check built packages with melange's linters (required ones fail, the others warn)",
  usage: 'melange lint [--lint-require LINTER,...] [--lint-warn LINTER,...] <package.apk>...',
  flags: LINT_FLAGS,
  arity: [0, Number.MAX_SAFE_INTEGER],
  async run(p, io) {
    if (p.positionals.length === 0) throw new UsageError('melange lint needs at least one package file', 'usage: apko-nx melange lint <package.apk>...');
    const { resolve } = await import('node:path');
    // Loaded here, not at the top: the CLI starts without the engine and loads what a verb needs.
    const { melangeLint } = await import('../../engine/melange/lint/apk');
    const required = lintList(p, 'lint-require');
    const warn = lintList(p, 'lint-warn');
    const r = await melangeLint({
      apks: p.positionals.map((a) => resolve(io.cwd, a)),
      ...(required !== undefined ? { lintRequire: required } : {}),
      ...(warn !== undefined ? { lintWarn: warn } : {}),
      log: io.err,
    });
    io.err(`linted ${r.linted} package${r.linted === 1 ? '' : 's'}`);
    return 0;
  },
};
