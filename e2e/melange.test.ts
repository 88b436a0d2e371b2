import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readApkIndex } from '../engine/apk/index-read';
import { readApkBytes } from '../engine/apk/package-read';
import { validateLayout } from '../engine/oci';
import { runCli, sh, type CliRun } from './support/cli';
import { hasTool, isRoot } from './support/env';

/**
 * melange to image to container, with nothing from the internet: Debian's
 * static busybox and a `gcc -static` program are packaged by `apko-nx
 * melange build`, an image is built from those packages by `apko-nx build`,
 * and runc runs it. Once with the host runner, and once with the chroot
 * runner, whose root filesystem the image engine builds from the busybox
 * package just made.
 */
const tools = ['skopeo', 'umoci', 'runc', 'gcc', 'busybox'].every((t) => hasTool(t)) && isRoot();

const BUSYBOX = `package:
  name: busybox
  version: 1.36.1
  epoch: 0
  description: Debian's static busybox, with a link per applet
  copyright:
    - license: GPL-2.0-only
  # Its applets live in /bin, where busybox's own links point.
  checks:
    disabled: [usrmerge]
pipeline:
  - name: install busybox and its applet links
    runs: |
      mkdir -p \${{targets.destdir}}/bin
      cp "$(command -v busybox)" \${{targets.destdir}}/bin/busybox
      for applet in $(busybox --list); do
        [ "$applet" = busybox ] || ln -s /bin/busybox "\${{targets.destdir}}/bin/$applet"
      done
`;

/** Prints a line, then has /bin/sh (busybox, the runtime dependency) print another. */
const HELLO_C = `#include <stdio.h>
#include <stdlib.h>
int main(void) {
  printf("hello from a static C program\\n");
  fflush(stdout);
  return system("echo \\"and from the shell of $(readlink /bin/sh)\\"") == 0 ? 0 : 1;
}
`;

const HELLO = `package:
  name: hello
  version: 1.0.0
  epoch: 0
  description: a static C program built on the host
  copyright:
    - license: MIT
  dependencies:
    runtime:
      - busybox
pipeline:
  - name: compile
    runs: |
      gcc -static -O2 -o hello hello.c
  - name: install
    runs: |
      mkdir -p \${{targets.destdir}}/usr/bin
      cp hello \${{targets.destdir}}/usr/bin/hello
`;

/** Runs inside the chroot: busybox's sh and cp, no compiler; it records the chroot's apk world. */
const HELLO_PREBUILT = `package:
  name: hello-prebuilt
  version: 1.0.0
  epoch: 0
  description: a prebuilt static C program, packaged inside a chroot
  copyright:
    - license: MIT
  dependencies:
    runtime:
      - busybox
environment:
  contents:
    repositories:
      - ./packages
    keyring:
      - ./melange.rsa.pub
    packages:
      - busybox
pipeline:
  - name: install the prebuilt program
    runs: |
      [ "$(readlink /bin/sh)" = /bin/busybox ]
      [ ! -e /usr/bin/gcc ]
      mkdir -p \${{targets.destdir}}/usr/bin \${{targets.destdir}}/usr/share/hello-prebuilt
      cp hello \${{targets.destdir}}/usr/bin/hello
      cat /etc/apk/world > \${{targets.destdir}}/usr/share/hello-prebuilt/build-world
      echo "$(pwd) $(id -u)" > \${{targets.destdir}}/usr/share/hello-prebuilt/build-where
`;

const imageYaml = (pkg: string) => `contents:
  repositories:
    - ./packages
  keyring:
    - ./melange.rsa.pub
  packages:
    - ${pkg}
archs: [x86_64]
entrypoint:
  command: /usr/bin/hello
`;

let containers = 0;

/** skopeo → umoci → runc, as e2e/image-tools.test.ts does; returns the output and the unpacked rootfs. */
function runImage(layout: string, tag: string): { output: string; rootfs: string } {
  const work = mkdtempSync(join(tmpdir(), 'melange-runc-'));
  sh('skopeo', ['copy', '--override-arch', 'amd64', `oci:${layout}:${tag}`, `oci:${join(work, 'single')}:img`]);
  sh('umoci', ['unpack', '--image', `${join(work, 'single')}:img`, join(work, 'bundle')]);
  const configPath = join(work, 'bundle', 'config.json');
  const config = JSON.parse(readFileSync(configPath, 'utf8'));
  config.process.terminal = false;
  writeFileSync(configPath, JSON.stringify(config));
  const output = sh('runc', ['run', '--bundle', join(work, 'bundle'), `apko-melange-${process.pid}-${++containers}`]);
  return { output, rootfs: join(work, 'bundle', 'rootfs') };
}

function expectOk(r: CliRun): void {
  if (r.code !== 0) throw new Error(`apko-nx failed (${r.code}):\n${r.stderr}`);
}

describe.skipIf(!tools)('packages built by apko-nx melange, in an image run by runc', () => {
  let dir: string;
  let keyring: Map<string, string>;
  const apk = (name: string) => join(dir, 'packages', 'x86_64', `${name}-1.0.0-r0.apk`);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'melange-e2e-'));
    expectOk(runCli(['melange', 'keygen', '--key-size', '2048'], { cwd: dir }));
    keyring = new Map([['melange.rsa.pub', readFileSync(join(dir, 'melange.rsa.pub'), 'utf8')]]);
    for (const [sub, files] of Object.entries({
      busybox: { 'melange.yaml': BUSYBOX },
      hello: { 'melange.yaml': HELLO, 'hello.c': HELLO_C },
      'hello-prebuilt': { 'melange.yaml': HELLO_PREBUILT },
    })) {
      mkdirSync(join(dir, sub));
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, sub, name), text);
    }
  });

  describe('with --runner host', () => {
    it('builds busybox and the gcc -static program into one signed repository', () => {
      for (const sub of ['busybox', 'hello']) {
        const r = runCli(['melange', 'build', `${sub}/melange.yaml`, '--runner', 'host', '--arch', 'x86_64', '--signing-key', 'melange.rsa'], { cwd: dir });
        expectOk(r);
        expect(r.stderr).toContain('warning: runner "host" runs the pipeline directly on this machine');
      }
      const index = readApkIndex(readFileSync(join(dir, 'packages', 'x86_64', 'APKINDEX.tar.gz')), { keyring });
      expect(index.signedBy).toBe('melange.rsa.pub');
      expect(index.entries.map((e) => `${e.name}-${e.version}`).sort()).toEqual(['busybox-1.36.1-r0', 'hello-1.0.0-r0']);
      const hello = readApkBytes(readFileSync(apk('hello')), { keyring, verifySignature: true });
      expect(hello.pkginfo.depend).toEqual(['busybox']);
      const busybox = readApkBytes(readFileSync(join(dir, 'packages', 'x86_64', 'busybox-1.36.1-r0.apk')));
      expect(busybox.dataEntries.find((e) => e.name === 'bin/sh')).toMatchObject({ type: 'symlink', linkname: '/bin/busybox' });
    });

    it('runs the program from an image of those packages, with busybox as its shell', async () => {
      writeFileSync(join(dir, 'hello.apko.yaml'), imageYaml('hello'));
      mkdirSync(join(dir, 'out-host'));
      expectOk(runCli(['build', 'hello.apko.yaml', 'melange/hello:host', 'out-host', '--cache-dir', 'cache'], { cwd: dir }));
      expect((await validateLayout(join(dir, 'out-host'))).manifests).toBe(1);
      const { output } = runImage(join(dir, 'out-host'), 'melange/hello:host');
      expect(output).toBe('hello from a static C program\nand from the shell of /bin/busybox\n');
    });
  });

  describe('with --runner chroot', () => {
    it('packages a prebuilt binary inside a chroot built by the image engine from the busybox package', () => {
      const prebuilt = join(dir, 'prebuilt');
      mkdirSync(prebuilt);
      execFileSync('gcc', ['-static', '-O2', '-o', join(prebuilt, 'hello'), join(dir, 'hello', 'hello.c')]);
      const r = runCli(
        ['melange', 'build', 'hello-prebuilt/melange.yaml', '--runner', 'chroot', '--source-dir', 'prebuilt', '--arch', 'x86_64', '--signing-key', 'melange.rsa', '--apk-cache-dir', 'cache'],
        { cwd: dir },
      );
      expectOk(r);
      expect(r.stdout).toBe(`${apk('hello-prebuilt')}\n`);
      expect(r.stderr).toContain('build environment: busybox for x86_64');
      expect(r.stderr).toMatch(/build environment: 1 packages, \d+ files written to /);
      expect(r.stderr).not.toContain('runner "host"');
      const pkg = readApkBytes(readFileSync(apk('hello-prebuilt')), { keyring, verifySignature: true });
      const file = (name: string) => pkg.dataEntries.find((e) => e.name === name)!.data.toString();
      expect(file('usr/share/hello-prebuilt/build-world')).toBe('busybox=1.36.1-r0\n');
      expect(file('usr/share/hello-prebuilt/build-where')).toBe('/home/build 0\n');
      expect(pkg.dataEntries.find((e) => e.name === 'usr/bin/hello')!.data).toEqual(readFileSync(join(prebuilt, 'hello')));
    });

    it('runs that program from an image too', () => {
      writeFileSync(join(dir, 'prebuilt.apko.yaml'), imageYaml('hello-prebuilt'));
      mkdirSync(join(dir, 'out-chroot'));
      expectOk(runCli(['build', 'prebuilt.apko.yaml', 'melange/hello:chroot', 'out-chroot', '--cache-dir', 'cache'], { cwd: dir }));
      const { output, rootfs } = runImage(join(dir, 'out-chroot'), 'melange/hello:chroot');
      expect(output).toBe('hello from a static C program\nand from the shell of /bin/busybox\n');
      expect(readFileSync(join(rootfs, 'etc', 'apk', 'world'), 'utf8')).toBe('busybox=1.36.1-r0\nhello-prebuilt=1.0.0-r0\n');
    });
  });
});
