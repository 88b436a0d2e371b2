/** `apko-nx dot <config.yaml>`: a Graphviz digraph of the resolved dependencies (first arch); `-S` keeps a spanning tree. */
import { bool } from '../args';
import { RESOLVE_FLAGS, resolveRequestFrom } from '../build-flags';
import type { Command } from '../command';

export const dot: Command = {
  name: 'dot',
  summary: 'print a Graphviz digraph of the resolved dependencies of the first architecture',
  usage: 'dot <config.yaml> [--spanning-tree] [flags]',
  flags: {
    ...RESOLVE_FLAGS,
    'spanning-tree': { type: 'boolean', alias: 'S', description: 'keep only the first edge into each package, as apko dot -S does, to avoid a huge number of edges' },
  },
  arity: [1, 1],
  async run(p, io) {
    const [{ normalizeResolveRequest }, { resolveImagePackages }, { toDot }] = await Promise.all([import('../../engine/image/request'), import('../../engine/image/show-packages'), import('../../engine/resolve/dot')]);
    const opts = normalizeResolveRequest({ ...resolveRequestFrom(p, { config: p.positionals[0]! }), env: io.env, log: io.err }, io.cwd);
    const { resolutions } = await resolveImagePackages(opts);
    io.out(toDot(resolutions[0]!, { spanningTree: bool(p, 'spanning-tree') }).replace(/\n$/, ''));
    return 0;
  },
};
