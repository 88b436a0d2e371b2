import { describe, expect, it } from 'vitest';
import { readElfFile } from './elf';
import { findHostLibrary, findHostLibz, makeProject, pkginfoText, readPackage, melangeBuild } from './testdata/project';

const libz = findHostLibz();
const libc = findHostLibrary(/^libc\.so\.6$/);
const interp = readElfFile('/usr/bin/env')?.interpreter;
const interpName = interp?.split('/').pop();

/** A package with this machine's zlib in usr/lib and /usr/bin/env as a command, plus pkg-config files and a script. */
function yaml(options = ''): string {
  return `package:
  name: scan
  version: 1.2.3
  epoch: 1
${options}pipeline:
  - name: install real ELF files
    runs: |
      mkdir -p \${{targets.destdir}}/usr/lib/pkgconfig \${{targets.destdir}}/usr/share/pkgconfig \${{targets.destdir}}/usr/bin \${{targets.destdir}}/opt/app/lib
      install -m755 ${libz} \${{targets.destdir}}/usr/lib/$(basename ${libz})
      ln -s $(basename ${libz}) \${{targets.destdir}}/usr/lib/libz.so.1
      install -m755 ${libz} \${{targets.destdir}}/opt/app/lib/libzbundled.so.1.0
      printf 'prefix=/usr\\nName: zlib\\nDescription: z\\nVersion: 1.3-rc2\\n' > \${{targets.destdir}}/usr/lib/pkgconfig/zlib.pc
      printf 'Name: data\\nDescription: d\\nVersion: 2024.1\\n' > \${{targets.destdir}}/usr/share/pkgconfig/scan-data.pc
      printf '#!/bin/bash\\necho hi\\n' > \${{targets.destdir}}/usr/bin/hello.sh
      chmod 755 \${{targets.destdir}}/usr/bin/hello.sh
      echo not executable > \${{targets.destdir}}/usr/bin/readme
  - uses: copy
    with:
      src: /usr/bin/env
      dest: \${{targets.destdir}}/usr/bin/myenv
subpackages:
  - name: scan-dev
    pipeline:
      - runs: |
          mkdir -p \${{targets.subpkgdir}}/usr/lib
          ln -s libz.so.1 \${{targets.subpkgdir}}/usr/lib/libz.so
`;
}

async function build(options = '') {
  const p = makeProject(yaml(options));
  const r = await melangeBuild({ configPath: p.config, outDir: p.outDir, archs: 'x86_64', sourceDateEpoch: 0, log: p.log });
  return { main: readPackage(r.packages[0]!.path), dev: readPackage(r.packages[1]!.path), text: pkginfoText(r.packages[0]!.path), logs: p.logs };
}

describe.skipIf(libz === undefined || interp === undefined)('automatic dependencies from real ELF files', () => {
  it('provides so:, cmd: and pc: names and depends on DT_NEEDED libraries and the interpreter', async () => {
    const { main } = await build();
    expect(main.pkginfo.provides).toEqual([
      'cmd:hello.sh=1.2.3-r1',
      'cmd:myenv=1.2.3-r1',
      'pc:scan-data=2024.1',
      'pc:zlib=1.3_rc2',
      'so:libz.so.1=1',
    ]);
    expect(main.pkginfo.depend).toEqual(['cmd:bash', `so:${interpName}`, 'so:libc.so.6']);
  });

  it('records a library outside the library directories as vendored, not provided', async () => {
    const { text, main } = await build();
    expect(text).toContain('\n# vendored = so:libz.so.1=1\n');
    expect(main.pkginfo.provides.filter((p) => p.startsWith('so:'))).toEqual(['so:libz.so.1=1']);
  });

  it('makes a symlink to a library of another package of the build depend on its soname', async () => {
    const { dev } = await build();
    expect(dev.pkginfo.depend).toEqual(['so:libz.so.1']);
    expect(dev.pkginfo.provides).toEqual([]);
  });

  it('turns off provides with no-provides', async () => {
    const { main } = await build('  options:\n    no-provides: true\n');
    expect(main.pkginfo.provides).toEqual([]);
    expect(main.pkginfo.depend).toContain('so:libc.so.6');
  });

  it('turns off depends with no-depends', async () => {
    const { main } = await build('  options:\n    no-depends: true\n');
    expect(main.pkginfo.depend).toEqual([]);
    expect(main.pkginfo.provides).toContain('so:libz.so.1=1');
  });

  it('turns off cmd: provides with no-commands', async () => {
    const { main } = await build('  options:\n    no-commands: true\n');
    expect(main.pkginfo.provides.some((p) => p.startsWith('cmd:'))).toBe(false);
    expect(main.pkginfo.provides).toContain('so:libz.so.1=1');
  });

  it('keeps declared dependencies, sorted together with generated ones', async () => {
    const { main } = await build('  dependencies:\n    runtime: [zzz-last, aaa-first]\n    provides: [scan-api=1]\n');
    expect(main.pkginfo.depend).toEqual(['aaa-first', 'cmd:bash', `so:${interpName}`, 'so:libc.so.6', 'zzz-last']);
    expect(main.pkginfo.provides).toContain('scan-api=1');
  });
});

describe.skipIf(libc === undefined || interp === undefined)('dependencies a package satisfies itself', () => {
  it('does not depend on a library it provides', async () => {
    const p = makeProject(`package:
  name: selfcontained
  version: 1.0.0
pipeline:
  - runs: |
      mkdir -p \${{targets.destdir}}/usr/lib \${{targets.destdir}}/usr/bin
      install -m755 ${libc} \${{targets.destdir}}/usr/lib/libc.so.6
      install -m755 /usr/bin/env \${{targets.destdir}}/usr/bin/env
`);
    const r = await melangeBuild({ configPath: p.config, outDir: p.outDir, archs: 'x86_64', sourceDateEpoch: 0, log: p.log });
    const pkg = readPackage(r.packages[0]!.path);
    expect(pkg.pkginfo.provides).toEqual(['cmd:env=1.0.0-r0', 'so:libc.so.6=6']);
    expect(pkg.pkginfo.depend).not.toContain('so:libc.so.6');
    expect(pkg.pkginfo.depend).toContain(`so:${interpName}`);
  });
});
