/** `apko-nx melange sign [--signing-key KEY] PACKAGE.apk...`: signs packages in place, as melange sign. */
import { UsageError, str } from '../args';
import type { Command } from '../command';

export const melangeSignCommand: Command = {
  name: 'melange sign',
  summary: 'sign .apk packages in place, replacing any signature they carry',
  usage: 'melange sign [-k KEY.rsa] <package.apk>...',
  flags: {
    'signing-key': { type: 'string', alias: 'k', value: 'KEY', description: 'RSA private key to sign with (default local-melange.rsa)' },
  },
  // At least one; checked here, as the generic arity message would print the upper bound.
  arity: [0, Number.MAX_SAFE_INTEGER],
  async run(p, io) {
    if (p.positionals.length === 0) throw new UsageError('melange sign needs at least one package file', 'usage: apko-nx melange sign [-k KEY.rsa] <package.apk>...');
    const { resolve } = await import('node:path');
    const { melangeSign } = await import('../../engine/melange/sign');
    const key = str(p, 'signing-key') ?? 'local-melange.rsa';
    const apks = p.positionals.map((a) => resolve(io.cwd, a));
    for (const a of p.positionals) io.err(`Processing apk ${a}`);
    const r = await melangeSign({ apks, signingKey: key, cwd: io.cwd, env: io.env });
    io.err(`signed ${r.signed.length} package${r.signed.length === 1 ? '' : 's'} as ${r.keyName}`);
    return 0;
  },
};
