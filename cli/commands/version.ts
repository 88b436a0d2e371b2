/** `apko-nx version`. */
import type { Command } from '../command';

export const version: Command = {
  name: 'version',
  summary: 'print the apko-nx version',
  usage: 'version',
  flags: {},
  arity: [0, 0],
  async run(_p, io) {
    const { toolVersion } = await import('../../engine/tool-version');
    io.out(`apko-nx ${toolVersion()}`);
    return 0;
  },
};
