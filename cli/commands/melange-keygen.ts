/** `apko-nx melange keygen [NAME]`: melange's signing key pair, NAME.rsa and NAME.rsa.pub. */
import { basename, dirname, resolve } from 'node:path';
import { UsageError, bool, str } from '../args';
import type { Command } from '../command';

export const melangeKeygenCommand: Command = {
  name: 'melange keygen',
  summary: 'generate an RSA signing key pair: NAME.rsa (private) and NAME.rsa.pub (default name melange)',
  usage: 'melange keygen [NAME] [--key-size BITS] [--force]',
  flags: {
    'key-size': { type: 'string', value: 'BITS', description: 'RSA modulus size (default 4096; at least 2048)' },
    force: { type: 'boolean', description: 'overwrite an existing key pair of the same name' },
  },
  arity: [0, 1],
  async run(p, io) {
    const name = p.positionals[0] ?? 'melange';
    const sizeFlag = str(p, 'key-size');
    const bits = sizeFlag === undefined ? 4096 : Number(sizeFlag);
    if (!Number.isSafeInteger(bits) || bits < 2048) throw new UsageError(`--key-size ${sizeFlag} is not a whole number of at least 2048`, 'use 4096 (the default) or 2048');
    io.err(`generating a ${bits}-bit RSA key pair ${basename(name)}`);
    const { melangeKeygen } = await import('../../engine/melange/keygen');
    const r = await melangeKeygen(basename(name), resolve(io.cwd, dirname(name)), { bits, force: bool(p, 'force') });
    io.out(r.privateKeyPath);
    io.out(r.publicKeyPath);
    return 0;
  },
};
