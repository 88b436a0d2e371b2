/** `apko-nx version`. */
import { toolVersion } from '../../engine';
import type { Command } from '../command';

export const version: Command = {
  name: 'version',
  summary: 'print the apko-nx version',
  usage: 'version',
  flags: {},
  arity: [0, 0],
  async run(_p, io) {
    io.out(`apko-nx ${toolVersion()}`);
    return 0;
  },
};
