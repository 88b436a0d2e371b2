/** `apko-nx lock <config.yaml>`: apko's lock verb; writes `<config-basename>.lock.json`. */
import { lockImage, normalizeLockRequest } from '../../engine';
import { str } from '../args';
import { RESOLVE_FLAGS, resolveRequestFrom } from '../build-flags';
import type { Command } from '../command';

export const lock: Command = {
  name: 'lock',
  summary: 'resolve, fetch and verify every package and pin them in a lock file (apko format)',
  usage: 'lock <config.yaml> [--output FILE] [flags]',
  flags: { ...RESOLVE_FLAGS, output: { type: 'string', value: 'FILE', description: 'where to write (default: <config-basename>.lock.json beside the config)' } },
  arity: [1, 1],
  async run(p, io) {
    const output = str(p, 'output');
    const opts = normalizeLockRequest({ ...resolveRequestFrom(p, { config: p.positionals[0]! }), env: io.env, log: io.err, ...(output !== undefined ? { output } : {}) }, io.cwd);
    const result = await lockImage(opts);
    if (opts.verbose) io.err(`cache: ${opts.cacheDir}`);
    io.out(result.path);
    return 0;
  },
};
