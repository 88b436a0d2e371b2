import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors';
import { dockerConfigCredential, dockerConfigCredentials, dockerConfigPath } from './docker-config';

let root: string;
let bin: string;

/**
 * A fake `docker-credential-test`: logs the server it was asked about and
 * answers from a table; `<token>` marks an identity token, as in docker.
 */
const HELPER = `#!/bin/sh
[ "$1" = get ] || exit 3
read server
echo "$server" >> "$HELPER_LOG"
case "$server" in
  helper.example.com) echo '{"ServerURL":"helper.example.com","Username":"helper-user","Secret":"helper-secret"}' ;;
  https://index.docker.io/v1/) echo '{"ServerURL":"https://index.docker.io/v1/","Username":"<token>","Secret":"hub-refresh"}' ;;
  broken.example.com) echo 'keychain is locked' >&2; exit 1 ;;
  *) echo 'credentials not found in native keychain'; exit 1 ;;
esac
`;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'apko-docker-config-'));
  bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'docker-credential-test'), HELPER);
  chmodSync(join(bin, 'docker-credential-test'), 0o755);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A DOCKER_CONFIG directory holding `config`, and the env that points at it. */
function configDir(config: unknown, name: string): Record<string, string> {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return { DOCKER_CONFIG: dir, PATH: `${bin}:/usr/bin:/bin`, HELPER_LOG: join(dir, 'helper.log') };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('dockerConfigCredentials', () => {
  it('is a source named after the file it reads', () => {
    expect(dockerConfigCredentials({ DOCKER_CONFIG: '/etc/dc' }).name).toBe('docker config /etc/dc/config.json');
  });
});

describe('dockerConfigPath', () => {
  it('honours DOCKER_CONFIG, else uses ~/.docker/config.json', () => {
    expect(dockerConfigPath({ DOCKER_CONFIG: '/etc/dc', HOME: '/home/me' })).toBe('/etc/dc/config.json');
    expect(dockerConfigPath({ HOME: '/home/me' })).toBe('/home/me/.docker/config.json');
  });
});

describe('dockerConfigCredential', () => {
  it('reads auths entries by exact key, by host with a scheme or path, and Docker Hub under its v1 URL', async () => {
    const env = configDir(
      {
        auths: {
          'exact.example.com:5000': { auth: b64('exact:pw') },
          'https://scheme.example.com/v2/': { auth: b64('scheme:p:w') },
          'plain.example.com': { username: 'plain', password: 'pw2' },
          'https://index.docker.io/v1/': { auth: b64('hubuser:hubpw') },
          'tokens.example.com': { identitytoken: 'refresh', registrytoken: 'bearer' },
        },
      },
      'auths',
    );
    expect(await dockerConfigCredential('exact.example.com:5000', env)).toEqual({ username: 'exact', password: 'pw' });
    expect(await dockerConfigCredential('scheme.example.com', env)).toEqual({ username: 'scheme', password: 'p:w' });
    expect(await dockerConfigCredential('plain.example.com', env)).toEqual({ username: 'plain', password: 'pw2' });
    expect(await dockerConfigCredential('index.docker.io', env)).toEqual({ username: 'hubuser', password: 'hubpw' });
    expect(await dockerConfigCredential('tokens.example.com', env)).toEqual({ identityToken: 'refresh', registryToken: 'bearer' });
    expect(await dockerConfigCredential('exact.example.com', env)).toBeUndefined();
    expect(await dockerConfigCredential('other.example.com', env)).toBeUndefined();
  });

  it('asks credHelpers for their host and credsStore for the rest, and falls back to auths when the store has nothing', async () => {
    const env = configDir(
      {
        credHelpers: { 'helper.example.com': 'test' },
        credsStore: 'test',
        auths: { 'fallback.example.com': { auth: b64('fb:pw') } },
      },
      'helpers',
    );
    expect(await dockerConfigCredential('helper.example.com', env)).toEqual({ username: 'helper-user', password: 'helper-secret' });
    expect(await dockerConfigCredential('index.docker.io', env)).toEqual({ identityToken: 'hub-refresh' });
    expect(await dockerConfigCredential('fallback.example.com', env)).toEqual({ username: 'fb', password: 'pw' });
    expect(await dockerConfigCredential('nothing.example.com', env)).toBeUndefined();
    expect(readFileSync(env.HELPER_LOG!, 'utf8').split('\n')).toEqual([
      'helper.example.com',
      'https://index.docker.io/v1/',
      'fallback.example.com',
      'nothing.example.com',
      '',
    ]);
  });

  it('is anonymous when there is no config file at all', async () => {
    expect(await dockerConfigCredential('a.example.com', { DOCKER_CONFIG: join(root, 'missing') })).toBeUndefined();
  });

  it('reports a failing helper with its name, the config key and file, and what to do', async () => {
    const env = configDir({ credHelpers: { 'broken.example.com': 'test' } }, 'broken');
    const err = (await dockerConfigCredential('broken.example.com', env).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe(
      `the credential helper docker-credential-test (credHelpers["broken.example.com"] in ${env.DOCKER_CONFIG}/config.json) failed for broken.example.com: exit code 1: keychain is locked`,
    );
    expect(err.hint).toContain('make sure docker-credential-test is installed');
  });

  it('reports a helper that is not installed', async () => {
    const env = configDir({ credsStore: 'nonexistent' }, 'missing-helper');
    const err = (await dockerConfigCredential('a.example.com', env).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('docker-credential-nonexistent (credsStore in');
    expect(err.message).toContain('it is not installed');
  });

  it('reports a malformed config file by path', async () => {
    const env = configDir('{"auths": ', 'malformed');
    const err = (await dockerConfigCredential('a.example.com', env).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.file).toBe(`${env.DOCKER_CONFIG}/config.json`);
    expect(err.message).toContain('is not valid JSON');
  });

  it('reports an auth value that is not user:password, naming the key', async () => {
    const env = configDir({ auths: { 'a.example.com': { auth: b64('nocolon') } } }, 'bad-auth');
    const err = (await dockerConfigCredential('a.example.com', env).catch((e: unknown) => e)) as ConfigError;
    expect(err.message).toBe(`auths["a.example.com"].auth in ${env.DOCKER_CONFIG}/config.json is not base64 of user:password`);
  });
});
