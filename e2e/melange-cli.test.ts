import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { publicKeyFromPrivate } from '../engine/apk/keys';
import { readApkIndex } from '../engine/apk/index-read';
import { readApkBytes } from '../engine/apk/package-read';
import { SignatureError } from '../engine/errors';
import packageExecutor from '../executors/package/executor';
import { executorContext } from '../executors/testdata/workspace';
import { runCli } from './support/cli';

/**
 * The melange verbs as users run them (the built CLI in a real process), on
 * the default runner (bubblewrap, which needs no root): keys, index and
 * sign-index, and what a failing pipeline step reports.
 */

function workspace(): string {
  return mkdtempSync(join(tmpdir(), 'melange-cli-'));
}

const PACKAGE = (name: string) => `package:
  name: ${name}
  version: 1.2.3
  epoch: 4
  description: a test package
  copyright:
    - license: MIT
vars:
  greeting: hello
pipeline:
  - name: install
    runs: |
      mkdir -p \${{targets.destdir}}/usr/share/${name}
      echo "\${{vars.greeting}}" > \${{targets.destdir}}/usr/share/${name}/greeting
`;

describe('apko-nx melange keygen', () => {
  it('writes NAME.rsa (PKCS#1, 0600) and NAME.rsa.pub (PKIX, 0644) that belong together', () => {
    const dir = workspace();
    const r = runCli(['melange', 'keygen', '--key-size', '2048'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([join(dir, 'melange.rsa'), join(dir, 'melange.rsa.pub')]);
    const priv = readFileSync(join(dir, 'melange.rsa'), 'utf8');
    const pub = readFileSync(join(dir, 'melange.rsa.pub'), 'utf8');
    expect(priv).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+\n-----END RSA PRIVATE KEY-----\n$/);
    expect(pub).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
    expect(publicKeyFromPrivate(priv)).toBe(pub);
    expect(statSync(join(dir, 'melange.rsa')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'melange.rsa.pub')).mode & 0o777).toBe(0o644);
  });

  it('names the pair after its argument, in the argument\'s directory', () => {
    const dir = workspace();
    mkdirSync(join(dir, 'keys'));
    const r = runCli(['melange', 'keygen', 'keys/ci.rsa', '--key-size', '2048'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, 'keys')).sort()).toEqual(['ci.rsa', 'ci.rsa.pub']);
  });

  it('refuses to overwrite an existing key and leaves it as it was', () => {
    const dir = workspace();
    expect(runCli(['melange', 'keygen', '--key-size', '2048'], { cwd: dir }).code).toBe(0);
    const before = readFileSync(join(dir, 'melange.rsa'));
    const r = runCli(['melange', 'keygen', '--key-size', '2048'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`Error: ${join(dir, 'melange.rsa')} already exists; not overwriting a signing key`);
    expect(readFileSync(join(dir, 'melange.rsa'))).toEqual(before);
  });

  it('rejects a key size below 2048 as a usage error', () => {
    const r = runCli(['melange', 'keygen', '--key-size', '1024'], { cwd: workspace() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--key-size 1024 is not a whole number of at least 2048');
  });
});

describe('apko-nx melange index and sign-index', () => {
  let dir: string;
  let apks: string[];
  let keyring: Map<string, string>;

  beforeAll(() => {
    dir = workspace();
    expect(runCli(['melange', 'keygen', 'signer', '--key-size', '2048'], { cwd: dir }).code).toBe(0);
    keyring = new Map([['signer.rsa.pub', readFileSync(join(dir, 'signer.rsa.pub'), 'utf8')]]);
    for (const name of ['alpha', 'beta']) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'melange.yaml'), PACKAGE(name));
      const r = runCli(['melange', 'build', `${name}/melange.yaml`, '--arch', 'x86_64', '--generate-index=false', '--var', 'greeting=hi there'], { cwd: dir });
      expect(r.stderr).toContain('running step "install"');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${join(dir, 'packages', 'x86_64', `${name}-1.2.3-r4.apk`)}\n`);
    }
    apks = ['packages/x86_64/alpha-1.2.3-r4.apk', 'packages/x86_64/beta-1.2.3-r4.apk'];
    expect(existsSync(join(dir, 'packages', 'x86_64', 'APKINDEX.tar.gz'))).toBe(false);
  });

  it('builds with --var overriding vars:', () => {
    const pkg = readApkBytes(readFileSync(join(dir, apks[0]!)));
    expect(pkg.dataEntries.find((e) => e.name === 'usr/share/alpha/greeting')!.data.toString()).toBe('hi there\n');
  });

  it('indexes packages unsigned, and sign-index signs the index so the key verifies it', () => {
    mkdirSync(join(dir, 'unsigned'));
    const r = runCli(['melange', 'index', '-o', 'unsigned/APKINDEX.tar.gz', ...apks], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('indexed 2 packages (unsigned)');
    const index = join(dir, 'unsigned', 'APKINDEX.tar.gz');
    expect(() => readApkIndex(readFileSync(index), { keyring })).toThrow(SignatureError);
    expect(readApkIndex(readFileSync(index), { ignoreSignatures: true }).entries.map((e) => `${e.name}-${e.version}`)).toEqual(['alpha-1.2.3-r4', 'beta-1.2.3-r4']);

    const s = runCli(['melange', 'sign-index', '--signing-key', 'signer.rsa', 'unsigned/APKINDEX.tar.gz'], { cwd: dir });
    expect(s.code).toBe(0);
    expect(s.stderr).toContain(`signed ${index} with signer.rsa`);
    const signed = readApkIndex(readFileSync(index), { keyring });
    expect(signed.signedBy).toBe('signer.rsa.pub');
    expect(signed.entries.map((e) => e.name)).toEqual(['alpha', 'beta']);
  });

  it('leaves an already signed index alone unless --force', () => {
    const index = join(dir, 'twice', 'APKINDEX.tar.gz');
    mkdirSync(join(dir, 'twice'));
    expect(runCli(['melange', 'index', '-o', index, '--signing-key', 'signer.rsa', ...apks], { cwd: dir }).code).toBe(0);
    const before = readFileSync(index);
    expect(readApkIndex(before, { keyring }).signedBy).toBe('signer.rsa.pub');
    const again = runCli(['melange', 'sign-index', '--signing-key', 'signer.rsa', index], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('is already signed; left unchanged (pass --force to re-sign)');
    expect(readFileSync(index)).toEqual(before);
    const forced = runCli(['melange', 'sign-index', '--signing-key', 'signer.rsa', '--force', index], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(readApkIndex(readFileSync(index), { keyring }).signedBy).toBe('signer.rsa.pub');
  });

  it('signs with melange.rsa by default, and says so when it is missing', () => {
    const r = runCli(['melange', 'sign-index', 'unsigned/APKINDEX.tar.gz'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: cannot read the signing key melange.rsa');
    expect(r.stderr).toContain('hint: create it with `apko-nx melange keygen` (in an Nx workspace: `nx g @apko/nx:init`)');
  });

  it('needs at least one package to index', () => {
    const r = runCli(['melange', 'index', '-o', 'x.tar.gz'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('melange index needs at least one package file');
  });
});

describe('apko-nx melange build with a failing step', () => {
  it('exits 1 naming the step, its command, its exit code and its output tail, and writes nothing', () => {
    const dir = workspace();
    writeFileSync(
      join(dir, 'melange.yaml'),
      `package:
  name: broken
  version: 1.0.0
pipeline:
  - name: install
    runs: |
      mkdir -p \${{targets.destdir}}/etc
      echo made > \${{targets.destdir}}/etc/made
  - name: compile
    runs: |
      echo compiling widget.c
      echo "widget.c:3: error: expected ';'" >&2
      exit 3
`,
    );
    const r = runCli(['melange', 'build', 'melange.yaml', '--out-dir', 'out'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`Error: broken: step "compile" failed with exit code 3 (${join(dir, 'melange.yaml')}: pipeline[1])`);
    expect(r.stderr).toContain(['command:', '    echo compiling widget.c', '    echo "widget.c:3: error: expected \';\'" >&2', '    exit 3'].join('\n'));
    expect(r.stderr).toContain(['last 2 lines of output:', '    compiling widget.c', "    widget.c:3: error: expected ';'"].join('\n'));
    expect(r.stderr).toContain('hint: fix the command or the files it needs');
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['melange.yaml']);
  });

  it('rejects a --var that is not KEY=VALUE as a usage error', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'melange.yaml'), PACKAGE('x'));
    const r = runCli(['melange', 'build', 'melange.yaml', '--var', 'novalue'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--var novalue is not KEY=VALUE');
  });
});

describe('melange build environment appends', () => {
  it('refuses -p with --runner host, since the host runner has no environment to extend', () => {
    const dir = mkdtempSync(join(tmpdir(), 'melange-append-'));
    writeFileSync(join(dir, 'melange.yaml'), 'package:\n  name: x\n  version: 1.0.0\n  epoch: 0\npipeline:\n  - runs: "true"\n');
    const r = runCli(['melange', 'build', 'melange.yaml', '--runner', 'host', '-p', 'busybox'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('extra packages (-p, --package-append) shape the build environment, which runner "host" does not build');
  });
});

describe('a missing signing key', () => {
  it('reads the same from melange build, melange index and the Nx package executor', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'melange.yaml'), PACKAGE('keyless'));
    const build = runCli(['melange', 'build', 'melange.yaml', '--arch', 'x86_64', '--signing-key', 'keys/none.rsa'], { cwd: dir });
    const index = runCli(['melange', 'index', '-o', 'APKINDEX.tar.gz', '--signing-key', 'keys/none.rsa', 'melange.yaml'], { cwd: dir });
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string) => errors.push(line);
    const nx = await packageExecutor({ config: 'melange.yaml', outputPath: 'dist/keyless', signingKey: 'keys/none.rsa' }, executorContext(dir, 'keyless', 'package')).finally(() => {
      console.error = original;
    });
    expect(build.code).toBe(1);
    expect(index.code).toBe(1);
    expect(nx.success).toBe(false);
    const lines = nx.error!.split('\n');
    expect(lines[0]).toBe('cannot read the signing key keys/none.rsa');
    expect(lines.at(-1)).toBe(
      "hint: create it with `apko-nx melange keygen` (in an Nx workspace: `nx g @apko/nx:init`), or pass the path of an existing RSA private key; in CI, set APKO_NX_SIGNING_KEY to the key's PEM (or APKO_NX_SIGNING_KEY_FILE to a secret file); without the workspace key, make your own beside it with `apko-nx melange keygen <name>.local` (see docs/release-and-keys.md)",
    );
    expect(build.stderr).toBe(`Error: ${nx.error}\n`);
    expect(index.stderr).toBe(`Error: ${nx.error}\n`);
    expect(errors).toEqual([`packaging melange.yaml failed: ${nx.error}`]);
    expect(existsSync(join(dir, 'packages'))).toBe(false);
  });
});

describe('apko-nx melange build --arch', () => {
  it('builds each architecture asked for, in order, into its own directory', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'melange.yaml'), PACKAGE('multi'));
    const r = runCli(['melange', 'build', 'melange.yaml', '--arch', 'aarch64,x86_64'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(['aarch64', 'x86_64'].map((a) => `${join(dir, 'packages', a, 'multi-1.2.3-r4.apk')}\n`).join(''));
    expect(r.stderr).toContain(`updated ${join(dir, 'packages', 'aarch64', 'APKINDEX.tar.gz')}\nupdated ${join(dir, 'packages', 'x86_64', 'APKINDEX.tar.gz')}`);
    expect(readApkBytes(readFileSync(join(dir, 'packages', 'aarch64', 'multi-1.2.3-r4.apk'))).pkginfo.arch).toBe('aarch64');
  });
});

describe('apko-nx melange build --runner', () => {
  it('refuses an unknown runner, listing the runners there are', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'melange.yaml'), PACKAGE('x'));
    const r = runCli(['melange', 'build', 'melange.yaml', '--runner', 'docker'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Error: unknown runner "docker" (the runners are bubblewrap, host, chroot)\nhint: choose one of those (--runner in the CLI, the runner option of the package executor)\n',
    );
  });
});
