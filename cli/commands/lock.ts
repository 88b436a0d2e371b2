/**
 * `apko-nx lock <config.yaml>`: apko's lock verb; writes `<config-basename>.lock.json`.
 * `resolve` is apko's older name for it: the same verb, whose default output is
 * `<config-basename>.resolved.json`, printing apko's deprecation note on stderr.
 */
import { extname } from 'node:path';
import { str } from '../args';
import { RESOLVE_FLAGS, resolveRequestFrom } from '../build-flags';
import type { Command } from '../command';

/** apko's note for `resolve` (cobra prints it on stderr before the verb runs). */
export const RESOLVE_DEPRECATION = 'Command "resolve" is deprecated, Please use `lock` command. The `resolve` command will get removed in the future versions.';

function lockCommand(name: 'lock' | 'resolve', extension: string, deprecation?: string): Command {
  return {
    name,
    summary: deprecation
      ? 'deprecated name of lock (as in apko); writes <config-basename>.resolved.json by default'
      : 'resolve, fetch and verify every package and pin them in a lock file (apko format)',
    usage: `${name} <config.yaml> [--output FILE] [flags]`,
    flags: { ...RESOLVE_FLAGS, output: { type: 'string', value: 'FILE', description: `where to write (default: <config-basename>.${extension} beside the config)` } },
    arity: [1, 1],
    async run(p, io) {
      if (deprecation) io.err(deprecation);
      const config = p.positionals[0]!;
      // apko's default: the config path as given, its extension replaced.
      const output = str(p, 'output') ?? (name === 'lock' ? undefined : `${config.slice(0, config.length - extname(config).length)}.${extension}`);
      const [{ normalizeLockRequest }, { lockImage }] = await Promise.all([import('../../engine/image/request'), import('../../engine/image/lock')]);
      const opts = normalizeLockRequest({ ...resolveRequestFrom(p, { config }), env: io.env, log: io.err, ...(output !== undefined ? { output } : {}) }, io.cwd);
      await lockImage(opts);
      if (opts.verbose) io.err(`debug: cache: ${opts.cacheDir}`);
      return 0;
    },
  };
}

export const lock = lockCommand('lock', 'lock.json');
export const resolveCommand = lockCommand('resolve', 'resolved.json', RESOLVE_DEPRECATION);
