/**
 * The melange verbs besides build, as users run them (the built CLI in a
 * real process): `apko-nx melange --help` lists every one, and sign, query,
 * package-version, version, bump and compile print on stdout what melange
 * prints there, progress and notices on stderr.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../engine/apk/keys';
import { readApkBytes } from '../engine/apk/package-read';
import { writeLocalRepository } from '../engine/example/local-repository';
import { commands } from '../cli/commands';
import { runCliAsync } from './support/cli';

let dir: string;
const key = generateKeyPair('verbs', 2048);
const melange = (args: string[]) => runCliAsync(['melange', ...args], { cwd: dir });

const CONFIG = `package:
  name: hello
  version: 1.2.3
  epoch: 4
  copyright:
    - license: MIT
pipeline:
  - uses: fetch
    with:
      uri: https://example.com/hello-\${{package.version}}.tar.gz
      expected-sha256: ${'a'.repeat(64)}
  - runs: echo hi
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'melange-verbs-cli-'));
  writeFileSync(join(dir, 'verbs.rsa'), key.privateKeyPem);
  writeFileSync(join(dir, 'melange.yaml'), CONFIG);
  await writeLocalRepository(join(dir, 'repo'), { key: generateKeyPair('old', 2048), archs: ['x86_64'], packages: [{ name: 'p', version: '1-r0', files: [] }] });
});

describe('apko-nx melange', () => {
  it('--help lists every melange verb and exits 0; melange alone exits 2; an unknown verb is named', async () => {
    const help = await melange(['--help']);
    expect(help.code).toBe(0);
    const verbs = commands.filter((c) => c.name.startsWith('melange ')).map((c) => c.name);
    for (const v of ['build', 'keygen', 'index', 'sign-index', 'sign', 'compile', 'bump', 'package-version', 'query', 'version']) expect(verbs).toContain(`melange ${v}`);
    for (const v of verbs) expect(help.stdout).toMatch(new RegExp(`^  ${v} `, 'm'));
    expect((await melange([])).code).toBe(2);
    const bad = await melange(['nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown command "melange nope"');
  });

  it('sign re-signs a package in place with -k, printing nothing on stdout', async () => {
    const apk = join('repo', 'x86_64', 'p-1-r0.apk');
    const r = await melange(['sign', '-k', 'verbs.rsa', apk]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`Processing apk ${apk}`);
    const pkg = readApkBytes(readFileSync(join(dir, apk)), { verifySignature: true, keyring: new Map([[key.publicKeyName, key.publicKeyPem]]) });
    expect(pkg.signatures.map((s) => s.keyName)).toEqual(['verbs.rsa.pub']);
  });

  it('package-version and query print their text without a newline; version --json is JSON with gitVersion', async () => {
    expect((await melange(['package-version', 'melange.yaml'])).stdout).toBe('hello-1.2.3-r4');
    expect((await melange(['query', 'melange.yaml', '{{ .Package.Name }} {{ (index .Pipeline 0).Uses }}'])).stdout).toBe('hello fetch');
    const v = await melange(['version', '--json']);
    expect(JSON.parse(v.stdout)).toMatchObject({ gitVersion: expect.stringMatching(/^v\d/) });
    expect((await melange(['version'])).stdout).toMatch(/^GitVersion: {4}v\d/m);
  });

  it('compile needs --arch and prints one JSON line', async () => {
    const missing = await melange(['compile', 'melange.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('melange compile needs --arch');
    const r = await melange(['compile', 'melange.yaml', '--arch', 'x86_64']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toHaveLength(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ package: { name: 'hello', version: '1.2.3', epoch: 4 }, pipeline: [{ uses: 'fetch' }, { runs: 'echo hi\n' }] });
  });

  it('bump rewrites the version and epoch and warns about the fetch checksum it cannot update offline', async () => {
    const r = await melange(['bump', 'melange.yaml', '1.3.0']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('bumped melange.yaml to 1.3.0-r0');
    expect(r.stderr).toContain('warning: pipeline[0] (fetch) still has the old version\'s expected-sha256/expected-sha512: apko-nx does not download https://example.com/hello-1.3.0.tar.gz');
    expect(readFileSync(join(dir, 'melange.yaml'), 'utf8')).toBe(CONFIG.replace('version: 1.2.3', 'version: "1.3.0"').replace('epoch: 4', 'epoch: 0'));
  });
});
