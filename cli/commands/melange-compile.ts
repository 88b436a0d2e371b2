/** `apko-nx melange compile <melange.yaml> --arch ARCH`: the expanded config as melange compile prints it (one JSON line). */
import { UsageError, list, parseVarPairs, str } from '../args';
import type { Command } from '../command';

export const melangeCompileCommand: Command = {
  name: 'melange compile',
  summary: 'print a melange.yaml with substitutions and built-in pipelines expanded, as melange compile (JSON)',
  usage: 'melange compile <melange.yaml> --arch ARCH [--pipeline-dir DIR] [--var KEY=VALUE]',
  flags: {
    arch: { type: 'string', value: 'ARCH', description: 'the architecture to compile for (required, as in melange; apk or OCI name)' },
    'pipeline-dir': { type: 'list', value: 'DIR', description: 'directory of pipeline definitions for uses:, searched before the built-in ones (repeatable, in order)' },
    var: { type: 'list', value: 'KEY=VALUE', description: 'override a vars: entry (repeatable)' },
  },
  arity: [1, 1],
  async run(p, io) {
    const arch = str(p, 'arch');
    if (arch === undefined || arch === '') throw new UsageError('melange compile needs --arch', 'name the architecture, e.g. --arch x86_64');
    const { resolve } = await import('node:path');
    const { melangeCompile, encodeCompiled } = await import('../../engine/melange/compile');
    const vars = parseVarPairs(list(p, 'var'));
    const compiled = await melangeCompile({
      configPath: resolve(io.cwd, p.positionals[0]!),
      arch,
      vars,
      pipelineDirs: list(p, 'pipeline-dir').map((d) => resolve(io.cwd, d)),
    });
    (io.write ?? io.out)(encodeCompiled(compiled));
    return 0;
  },
};
