/** `apko-nx melange version [--json]`: the version in melange's fields (GitVersion, …). */
import { bool } from '../args';
import type { Command } from '../command';

export const melangeVersionCommand: Command = {
  name: 'melange version',
  summary: 'print the version in melange\'s fields (GitVersion: …; --json for JSON)',
  usage: 'melange version [--json]',
  flags: {
    json: { type: 'boolean', description: 'print JSON instead of text' },
  },
  arity: [0, 0],
  async run(p, io) {
    const { versionJson, versionText } = await import('../../engine/melange/version');
    io.out(bool(p, 'json') ? versionJson() : versionText());
    return 0;
  },
};
