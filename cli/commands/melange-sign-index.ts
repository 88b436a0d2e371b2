/** `apko-nx melange sign-index [--signing-key KEY] [--force] APKINDEX.tar.gz`: signs an index in place. */
import { resolve } from 'node:path';
import { bool, str } from '../args';
import type { Command } from '../command';

export const melangeSignIndexCommand: Command = {
  name: 'melange sign-index',
  summary: 'sign an APKINDEX.tar.gz in place (left alone when already signed, unless --force)',
  usage: 'melange sign-index [--signing-key KEY.rsa] [-f] <APKINDEX.tar.gz>',
  flags: {
    'signing-key': { type: 'string', value: 'KEY', description: 'RSA private key (default melange.rsa)' },
    force: { type: 'boolean', alias: 'f', description: 'replace existing signatures' },
  },
  arity: [1, 1],
  async run(p, io) {
    const key = str(p, 'signing-key') ?? 'melange.rsa';
    const index = resolve(io.cwd, p.positionals[0]!);
    const { melangeSignIndex } = await import('../../engine/melange/repository');
    const r = await melangeSignIndex({ index, signingKey: key, cwd: io.cwd, force: bool(p, 'force') });
    io.err(r.signed ? `signed ${index} with ${key}` : `${index} is already signed; left unchanged (pass --force to re-sign)`);
    io.out(index);
    return 0;
  },
};
