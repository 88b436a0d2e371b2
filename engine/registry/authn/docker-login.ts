/**
 * `login`: stores a registry credential where docker (and every tool reading
 * docker's config, our own chain included) finds it, as `apko login` (crane's
 * `auth login` over docker's config library) does. The server is the
 * registry's name (`docker.io` becomes Docker Hub's key
 * `https://index.docker.io/v1/`). When the config names a helper for it
 * (`credHelpers[<host>]`, else `credsStore`), the secret goes to
 * `docker-credential-<helper> store` and the file keeps an empty `auths`
 * entry, as docker writes; otherwise `auths[<server>].auth` is base64 of
 * `user:password`. Every other key of the file is kept. The file is replaced
 * atomically, created with mode 0600 (an existing file keeps its mode).
 */
import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../../errors';
import { writeFileAtomic } from '../../fs/atomic';
import { canonicalRegistry, DOCKER_HUB } from '../../reference';
import type { Env } from './credentials';
import { DOCKER_HUB_KEY, dockerConfigPath, readDockerConfig } from './docker-config';

/** What to store. */
export interface DockerLoginRequest {
  /** A registry host, with an optional port (`ghcr.io`, `localhost:5000`, `docker.io`). */
  readonly registry: string;
  readonly username: string;
  readonly password: string;
  readonly env: Env;
}

/** Where it went. */
export interface DockerLoginResult {
  readonly file: string;
  /** The key it is filed under. */
  readonly server: string;
  /** The credential helper that holds the secret, when one does. */
  readonly helper?: string;
}

/** The registry's name as crane's `name.NewRegistry` gives it: a bare authority, Docker Hub's aliases folded. */
function registryName(registry: string): string {
  const host = registry.trim();
  if (host === '' || /[/\s@]/.test(host) || host.includes('://')) {
    throw new ConfigError(`"${registry}" is not a registry name`, { hint: 'give the registry host, with its port when it has one: ghcr.io, localhost:5000, docker.io' });
  }
  return canonicalRegistry(host.toLowerCase());
}

/** Runs `docker-credential-<helper> store` with docker's JSON; the secret is never part of a message. */
function storeWithHelper(helper: string, payload: { ServerURL: string; Username: string; Secret: string }, env: Env, file: string, key: string): Promise<void> {
  const program = `docker-credential-${helper}`;
  const failed = (why: string, cause?: unknown) =>
    new ConfigError(`the credential helper ${program} (${key} in ${file}) could not store the credential for ${payload.ServerURL}: ${why}`, {
      file,
      path: key,
      ...(cause !== undefined ? { cause } : {}),
      hint: `make sure ${program} is installed and on PATH, or remove ${key} from ${file} to store the credential in the file`,
    });
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['store'], { env: { ...env } as NodeJS.ProcessEnv, stdio: ['pipe', 'ignore', 'pipe'], timeout: 60_000 });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', (err) => reject(failed((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'it is not installed' : err.message, err)));
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(failed(`exit code ${code}${stderr.trim() ? `: ${stderr.trim().split(payload.Secret).join('xxxxx')}` : ''}`));
    });
    child.stdin.end(JSON.stringify(payload));
  });
}

/** The mode to create the file with: an existing file's own, else 0600 (it holds secrets). */
async function modeFor(file: string): Promise<number> {
  try {
    return (await fsp.stat(file)).mode & 0o777;
  } catch {
    return 0o600;
  }
}

/** Stores the credential (see the module comment). */
export async function dockerLogin(req: DockerLoginRequest): Promise<DockerLoginResult> {
  if (req.username === '' && req.password === '') throw new ConfigError('username and password required', { hint: 'pass -u USER and -p PASSWORD, or --password-stdin' });
  const name = registryName(req.registry);
  const server = name === DOCKER_HUB ? DOCKER_HUB_KEY : name;
  const file = dockerConfigPath(req.env);
  // The whole object is kept, so keys this module does not know survive.
  const config = { ...(await readDockerConfig(file)) } as Record<string, unknown> & { auths?: Record<string, unknown>; credHelpers?: Record<string, string>; credsStore?: string };
  const helper = config.credHelpers?.[name] || config.credsStore || undefined;
  if (helper !== undefined) {
    const key = config.credHelpers?.[name] ? `credHelpers["${name}"]` : 'credsStore';
    await storeWithHelper(helper, { ServerURL: server, Username: req.username, Secret: req.password }, req.env, file, key);
  }
  const entry = helper !== undefined ? {} : { auth: Buffer.from(`${req.username}:${req.password}`, 'utf8').toString('base64') };
  const auths = { ...(config.auths && typeof config.auths === 'object' ? config.auths : {}), [server]: entry };
  const next = { ...config, auths };
  await fsp.mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, JSON.stringify(next, null, '\t'), await modeFor(file));
  return { file, server, ...(helper !== undefined ? { helper } : {}) };
}
