/**
 * `apko-nx install-keys [--root DIR]`: apko's install-keys. Discovers the keys
 * every repository of the root's /etc/apk/repositories publishes and writes
 * them to the root's /etc/apk/keys. The engine is loaded when the verb runs.
 */
import { bool, str } from '../args';
import type { Command } from '../command';

export const installKeysCommand: Command = {
  name: 'install-keys',
  summary: "discover the keys of every repository in a root's /etc/apk/repositories and install them into its /etc/apk/keys",
  usage: 'install-keys [--root DIR] [--offline] [--cache-dir DIR]',
  flags: {
    root: { type: 'string', value: 'DIR', description: 'the root to read repositories from and write keys into (default /, as apko)' },
    offline: { type: 'boolean', description: 'use only discovery documents already in the cache' },
    'cache-dir': { type: 'string', value: 'DIR', description: 'cache directory (default: $APKO_CACHE_DIR, else ~/.cache/apko-nx)' },
  },
  arity: [0, 0],
  async run(p, io) {
    const { installKeys } = await import('../../engine/repo/install-keys');
    const { resolve } = await import('node:path');
    const root = str(p, 'root');
    const cacheDir = str(p, 'cache-dir');
    const written = await installKeys({
      ...(root !== undefined ? { root: resolve(io.cwd, root) } : {}),
      ...(cacheDir !== undefined ? { cacheDir: resolve(io.cwd, cacheDir) } : {}),
      offline: bool(p, 'offline'),
      cwd: io.cwd,
      env: io.env,
      log: io.err,
    });
    for (const k of written) io.out(k.path);
    if (written.length === 0) io.err('no repository published any keys; nothing was written');
    return 0;
  },
};
