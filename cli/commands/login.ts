/**
 * `apko-nx login <registry> -u USER (-p PASSWORD | --password-stdin)`: stores
 * the credential in docker's config.json (or its credential helper), as
 * `apko login` does; publish and the Nx executors then find it there.
 */
import { bool, str, UsageError } from '../args';
import type { Command } from '../command';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const login: Command = {
  name: 'login',
  summary: 'store a registry credential in docker\'s config.json ($DOCKER_CONFIG or ~/.docker), or its credential helper',
  usage: 'login <registry> -u USER (-p PASSWORD | --password-stdin)',
  flags: {
    username: { type: 'string', alias: 'u', value: 'USER', description: 'user name' },
    password: { type: 'string', alias: 'p', value: 'PASSWORD', description: 'password (visible to other users in the process list: prefer --password-stdin)' },
    'password-stdin': { type: 'boolean', description: 'read the password from stdin (one trailing newline is dropped)' },
  },
  arity: [1, 1],
  async run(p, io) {
    const fromStdin = bool(p, 'password-stdin');
    if (fromStdin && str(p, 'password') !== undefined) throw new UsageError('--password and --password-stdin are exclusive', 'pass the password one way');
    // As crane: one trailing "\n", then one "\r", are not part of the password.
    const password = fromStdin ? (await readStdin()).replace(/\n$/, '').replace(/\r$/, '') : (str(p, 'password') ?? '');
    const { dockerLogin } = await import('../../engine/registry/authn/docker-login');
    const r = await dockerLogin({ registry: p.positionals[0]!, username: str(p, 'username') ?? '', password, env: io.env });
    io.err(`logged in via ${r.file}${r.helper ? ` (secret held by docker-credential-${r.helper})` : ''}`);
    return 0;
  },
};
