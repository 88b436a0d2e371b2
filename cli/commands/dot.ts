/** `apko-nx dot <config.yaml>`: a Graphviz digraph of the resolved dependencies (first arch). */
import { normalizeResolveRequest, resolveImagePackages, toDot } from '../../engine';
import { RESOLVE_FLAGS, resolveRequestFrom } from '../build-flags';
import type { Command } from '../command';

export const dot: Command = {
  name: 'dot',
  summary: 'print a Graphviz digraph of the resolved dependencies of the first architecture',
  usage: 'dot <config.yaml> [flags]',
  flags: RESOLVE_FLAGS,
  arity: [1, 1],
  async run(p, io) {
    const opts = normalizeResolveRequest({ ...resolveRequestFrom(p, { config: p.positionals[0]! }), env: io.env, log: io.err }, io.cwd);
    const { resolutions } = await resolveImagePackages(opts);
    io.out(toDot(resolutions[0]!).replace(/\n$/, ''));
    return 0;
  },
};
