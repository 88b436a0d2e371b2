import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors';
import { dockerConfigCredential } from './docker-config';
import { dockerLogin } from './docker-login';

const dir = () => mkdtempSync(join(tmpdir(), 'docker-login-'));

describe('dockerLogin', () => {
  it('files base64 user:password under auths.<host> in a new 0600 config.json that the credential chain reads back', async () => {
    const cfg = join(dir(), 'conf');
    const env = { DOCKER_CONFIG: cfg };
    const r = await dockerLogin({ registry: 'localhost:5000', username: 'alice', password: 'p:w d', env });
    expect(r).toEqual({ file: join(cfg, 'config.json'), server: 'localhost:5000' });
    expect(statSync(r.file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(r.file, 'utf8'))).toEqual({ auths: { 'localhost:5000': { auth: Buffer.from('alice:p:w d').toString('base64') } } });
    expect(await dockerConfigCredential('localhost:5000', env)).toEqual({ username: 'alice', password: 'p:w d' });
  });

  it('keeps every other key and entry of an existing file, and its mode', async () => {
    const d = dir();
    const file = join(d, 'config.json');
    writeFileSync(file, JSON.stringify({ auths: { 'ghcr.io': { auth: 'eDp5' } }, psFormat: 'table', proxies: { default: { httpProxy: 'x' } } }));
    chmodSync(file, 0o640);
    await dockerLogin({ registry: 'docker.io', username: 'bob', password: 'pw', env: { DOCKER_CONFIG: d } });
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(written).toEqual({
      auths: { 'ghcr.io': { auth: 'eDp5' }, 'https://index.docker.io/v1/': { auth: Buffer.from('bob:pw').toString('base64') } },
      psFormat: 'table',
      proxies: { default: { httpProxy: 'x' } },
    });
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  it('gives the secret to the configured credential helper and leaves an empty auths entry, as docker does', async () => {
    const d = dir();
    const bin = join(d, 'bin');
    const stored = join(d, 'stored.json');
    mkdirSync(bin);
    writeFileSync(join(bin, 'docker-credential-t'), `#!/bin/sh\n[ "$1" = store ] && cat > ${stored}\n`);
    chmodSync(join(bin, 'docker-credential-t'), 0o755);
    writeFileSync(join(d, 'config.json'), JSON.stringify({ credHelpers: { 'reg.example.com': 't' } }));
    const r = await dockerLogin({ registry: 'reg.example.com', username: 'u', password: 's3cret', env: { DOCKER_CONFIG: d, PATH: `${bin}:${process.env.PATH}` } });
    expect(r.helper).toBe('t');
    expect(JSON.parse(readFileSync(stored, 'utf8'))).toEqual({ ServerURL: 'reg.example.com', Username: 'u', Secret: 's3cret' });
    const file = readFileSync(join(d, 'config.json'), 'utf8');
    expect(JSON.parse(file)).toEqual({ credHelpers: { 'reg.example.com': 't' }, auths: { 'reg.example.com': {} } });
    expect(file).not.toContain('s3cret');
  });

  it('refuses a registry that is not a host, and an empty credential', async () => {
    const env = { DOCKER_CONFIG: dir() };
    await expect(dockerLogin({ registry: 'https://ghcr.io/x', username: 'u', password: 'p', env })).rejects.toThrow(ConfigError);
    await expect(dockerLogin({ registry: 'ghcr.io', username: '', password: '', env })).rejects.toThrow('username and password required');
  });
});
