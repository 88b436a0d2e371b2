/** `apko-nx melange query <melange.yaml> <template>`: a Go template over the config, as melange query. */
import type { Command } from '../command';

export const melangeQueryCommand: Command = {
  name: 'melange query',
  summary: 'print a Go template over a melange.yaml, e.g. "{{ .Package.Name }}-{{ .Package.Version }}" (no newline added)',
  usage: 'melange query <melange.yaml> <template>',
  flags: {},
  arity: [2, 2],
  async run(p, io) {
    const { resolve } = await import('node:path');
    const { melangeQuery } = await import('../../engine/melange/query');
    const text = await melangeQuery(resolve(io.cwd, p.positionals[0]!), p.positionals[1]!);
    // melange writes the result as it is, without a newline; so do we.
    (io.write ?? io.out)(text);
    return 0;
  },
};
