/**
 * `apko-nx melange bump <melange.yaml> <version> [--expected-commit SHA]`:
 * melange bump's offline part. A fetch step's checksums are not downloaded
 * and rewritten (melange does that); each such step is named on stderr with
 * its new URI, and the verb exits 0 as the file itself is bumped.
 */
import { str } from '../args';
import type { Command } from '../command';

export const melangeBumpCommand: Command = {
  name: 'melange bump',
  summary: 'set package.version (epoch 0, or +1 for the same version) and git-checkout expected-commit; fetch checksums are left to you',
  usage: 'melange bump <melange.yaml> <version> [--expected-commit SHA]',
  flags: {
    'expected-commit': { type: 'string', value: 'SHA', description: 'the commit the git-checkout step (the one following package.version, when there are several) expects' },
  },
  arity: [2, 2],
  async run(p, io) {
    const { resolve } = await import('node:path');
    const { melangeBump } = await import('../../engine/melange/bump');
    const commit = str(p, 'expected-commit');
    const r = await melangeBump({ configPath: resolve(io.cwd, p.positionals[0]!), version: p.positionals[1]!, ...(commit !== undefined ? { expectedCommit: commit } : {}) });
    io.err(`bumped ${p.positionals[0]} to ${r.version}-r${r.epoch}`);
    for (const c of r.commits) io.err(`  ${c}: ${commit}`);
    for (const f of r.staleFetches) {
      io.err(`warning: ${f.path} (fetch) still has the old version's expected-sha256/expected-sha512: apko-nx does not download ${f.uri}; download it and set its checksum`);
    }
    return 0;
  },
};
