/**
 * Credentials from docker's config file, `$DOCKER_CONFIG/config.json` or
 * `~/.docker/config.json`, as docker resolves them: `credHelpers[<host>]`,
 * then `credsStore` (both run `docker-credential-<name> get`, the server on
 * stdin), then `auths[<host>]` (`auth` = base64 user:password, or
 * `username`/`password`, `identitytoken`, `registrytoken`). Docker Hub's key
 * is `https://index.docker.io/v1/`; other keys match by host, any scheme or
 * path. The file is read at each lookup, so a `docker login` in between counts.
 */
import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../errors';
import { DOCKER_HUB } from '../../reference';
import { sameRegistry, type Credential, type CredentialSource, type Env } from './credentials';
import { compareBytes } from '../../order';

/** The parts of docker's config.json read here. */
export interface DockerConfig {
  readonly auths?: Readonly<Record<string, DockerAuthEntry>>;
  readonly credHelpers?: Readonly<Record<string, string>>;
  readonly credsStore?: string;
}

/** One `auths` entry. */
export interface DockerAuthEntry {
  readonly auth?: string;
  readonly username?: string;
  readonly password?: string;
  readonly identitytoken?: string;
  readonly registrytoken?: string;
}

/** The key docker files Docker Hub credentials under. */
export const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json` (HOME from `env`). */
export function dockerConfigPath(env: Env): string {
  if (env.DOCKER_CONFIG) return join(env.DOCKER_CONFIG, 'config.json');
  return join(env.HOME || homedir(), '.docker', 'config.json');
}

/** Reads a docker config; a missing file is an empty config, a malformed one a ConfigError. */
export async function readDockerConfig(path: string): Promise<DockerConfig> {
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`cannot read the docker config ${path}: ${(err as Error).message}`, { file: path, cause: err });
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the top level is not an object');
    return parsed as DockerConfig;
  } catch (err) {
    throw new ConfigError(`the docker config ${path} is not valid JSON: ${(err as Error).message}`, {
      file: path,
      cause: err,
      hint: 'fix or remove the file, or point DOCKER_CONFIG at another directory',
    });
  }
}

/** The server name helpers and `auths` use for `registry`. */
function serverKey(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_KEY : registry;
}

function fromEntry(entry: DockerAuthEntry, file: string, key: string): Credential | undefined {
  const cred: { username?: string; password?: string; identityToken?: string; registryToken?: string } = {};
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new ConfigError(`auths["${key}"].auth in ${file} is not base64 of user:password`, {
        file,
        path: `auths.${key}.auth`,
        hint: 'run `docker login` again to rewrite it',
      });
    }
    cred.username = decoded.slice(0, colon);
    cred.password = decoded.slice(colon + 1);
  } else if (entry.username && entry.password !== undefined) {
    cred.username = entry.username;
    cred.password = entry.password;
  }
  if (entry.identitytoken) cred.identityToken = entry.identitytoken;
  if (entry.registrytoken) cred.registryToken = entry.registrytoken;
  return Object.keys(cred).length > 0 ? cred : undefined;
}

/** The `auths` entry for `registry`: its exact key first, then any key with the same host. */
export function credentialFromAuths(config: DockerConfig, registry: string, file: string): Credential | undefined {
  const auths = config.auths ?? {};
  const exact = serverKey(registry);
  if (auths[exact]) return fromEntry(auths[exact]!, file, exact);
  for (const key of Object.keys(auths).sort(compareBytes)) {
    if (sameRegistry(key, registry)) return fromEntry(auths[key]!, file, key);
  }
  return undefined;
}

/** Runs `docker-credential-<helper> get` for `server`; undefined when the helper has nothing for it. */
export function credentialFromHelper(helper: string, server: string, opts: { env: Env; file: string; key: string }): Promise<Credential | undefined> {
  const program = `docker-credential-${helper}`;
  const failed = (why: string, cause?: unknown) =>
    new ConfigError(`the credential helper ${program} (${opts.key} in ${opts.file}) failed for ${server}: ${why}`, {
      file: opts.file,
      path: opts.key,
      ...(cause !== undefined ? { cause } : {}),
      hint: `make sure ${program} is installed and on PATH and that you are logged in, or remove ${opts.key} from ${opts.file}`,
    });
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { env: { ...opts.env } as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', (err) => reject(failed((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'it is not installed' : err.message, err)));
    child.stdin.on('error', () => undefined); // a helper that exits without reading stdin is judged by its exit code
    child.on('close', (code) => {
      const said = `${stdout}\n${stderr}`;
      if (code !== 0) {
        if (/credentials not found/i.test(said)) resolve(undefined);
        else reject(failed(`exit code ${code}: ${stderr.trim() || stdout.trim()}`));
        return;
      }
      let parsed: { Username?: unknown; Secret?: unknown };
      try {
        parsed = JSON.parse(stdout) as typeof parsed;
      } catch (err) {
        reject(failed('its output is not JSON', err));
        return;
      }
      const user = typeof parsed.Username === 'string' ? parsed.Username : '';
      const secret = typeof parsed.Secret === 'string' ? parsed.Secret : '';
      if (secret === '') resolve(undefined);
      // docker's convention: the user name `<token>` marks the secret as an identity token.
      else if (user === '<token>') resolve({ identityToken: secret });
      else resolve({ username: user, password: secret });
    });
    child.stdin.end(server);
  });
}

/** The credential docker would use for `registry` (see the module comment); undefined means none. */
export async function dockerConfigCredential(registry: string, env: Env): Promise<Credential | undefined> {
  const file = dockerConfigPath(env);
  const config = await readDockerConfig(file);
  const server = serverKey(registry);
  const helpers = config.credHelpers ?? {};
  const helperKey = Object.keys(helpers).sort(compareBytes).find((k) => k === server || sameRegistry(k, registry));
  if (helperKey !== undefined && helpers[helperKey]) {
    return credentialFromHelper(helpers[helperKey]!, server, { env, file, key: `credHelpers["${helperKey}"]` });
  }
  if (config.credsStore) {
    const stored = await credentialFromHelper(config.credsStore, server, { env, file, key: 'credsStore' });
    if (stored) return stored;
  }
  return credentialFromAuths(config, registry, file);
}

/** docker's config.json as a credential source. */
export function dockerConfigCredentials(env: Env): CredentialSource {
  return { name: `docker config ${dockerConfigPath(env)}`, lookup: (registry) => dockerConfigCredential(registry, env) };
}
