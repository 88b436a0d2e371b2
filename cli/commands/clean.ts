/** `apko-nx clean [--dry-run]`: removes the engine's cache directory. */
import { bool, str } from '../args';
import type { Command } from '../command';

export const clean: Command = {
  name: 'clean',
  summary: 'remove the cache directory (--dry-run only reports its size)',
  usage: 'clean [--dry-run] [--cache-dir DIR]',
  flags: {
    'dry-run': { type: 'boolean', description: 'report the size without removing anything' },
    'cache-dir': { type: 'string', value: 'DIR', description: 'cache directory (default: $APKO_CACHE_DIR, else ~/.cache/apko-nx)' },
  },
  arity: [0, 0],
  async run(p, io) {
    const { cleanCache } = await import('../../engine/store/clean');
    const r = await cleanCache({ ...(str(p, 'cache-dir') !== undefined ? { cacheDir: str(p, 'cache-dir') } : {}), env: io.env, cwd: io.cwd, dryRun: bool(p, 'dry-run') });
    const dir = r.dir;
    const mib = (r.bytes / 1024 / 1024).toFixed(1);
    io.err(r.removed ? `removed ${dir} (${mib} MiB)` : bool(p, 'dry-run') ? `${dir}: ${mib} MiB (dry run, nothing removed)` : `${dir} does not exist`);
    return 0;
  },
};
