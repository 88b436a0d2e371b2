/** `apko-nx melange index -o APKINDEX.tar.gz *.apk`: an index of package files, signed when given a key. */
import { resolve } from 'node:path';
import { UsageError, bool, str } from '../args';
import type { Command } from '../command';

export const melangeIndexCommand: Command = {
  name: 'melange index',
  summary: 'write an APKINDEX.tar.gz for package files (signed with --signing-key)',
  usage: 'melange index [-o APKINDEX.tar.gz] [--signing-key KEY.rsa] [-m [-s SOURCE.tar.gz]] [-a ARCH] <package.apk>...',
  flags: {
    output: { type: 'string', alias: 'o', value: 'FILE', description: 'the index to write (default APKINDEX.tar.gz)' },
    'signing-key': { type: 'string', value: 'KEY', description: 'RSA private key to sign the index with' },
    merge: { type: 'boolean', alias: 'm', description: 'keep the entries of the --source index (same name and version are replaced)' },
    source: { type: 'string', alias: 's', value: 'FILE', description: 'the existing index --merge keeps entries of (default APKINDEX.tar.gz; a missing file is an empty index)' },
    arch: { type: 'string', alias: 'a', value: 'ARCH', description: 'index only packages of this architecture (apk name, e.g. x86_64); others are skipped with a warning' },
  },
  // At least one; checked here, as the generic arity message would print the upper bound.
  arity: [0, Number.MAX_SAFE_INTEGER],
  async run(p, io) {
    if (p.positionals.length === 0) throw new UsageError('melange index needs at least one package file', 'usage: apko-nx melange index -o APKINDEX.tar.gz <package.apk>...');
    const key = str(p, 'signing-key');
    const arch = str(p, 'arch');
    const output = resolve(io.cwd, str(p, 'output') ?? 'APKINDEX.tar.gz');
    const { melangeIndex } = await import('../../engine/melange/repository');
    const r = await melangeIndex({
      output,
      apks: p.positionals.map((a) => resolve(io.cwd, a)),
      ...(key !== undefined ? { signingKey: key } : {}),
      cwd: io.cwd,
      merge: bool(p, 'merge'),
      // melange reads ./APKINDEX.tar.gz unless told otherwise, whatever --output is.
      source: resolve(io.cwd, str(p, 'source') ?? 'APKINDEX.tar.gz'),
      ...(arch !== undefined && arch !== '' ? { arch } : {}),
    });
    for (const s of r.skipped) io.err(`warning: ${s.replace(/: /, `: found unexpected architecture `)}, expecting ${arch}`);
    io.err(`indexed ${r.count} package${r.count === 1 ? '' : 's'}${key !== undefined ? `, signed with ${key}` : ' (unsigned)'}`);
    io.out(r.output);
    return 0;
  },
};
