/**
 * Each built-in build-system family builds a real small project of its kind
 * with this machine's tools, in the bubblewrap runner on the host root, and
 * the packages are checked: files, modes, .PKGINFO, split subpackages.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasTool, provided } from '../../e2e/support/env';
import { makeProject, melangeBuild, pkginfoText, readPackage, type Project } from './testdata/project';
import type { MelangeBuildResult } from './build';

const build = (p: Project) => melangeBuild({ configPath: p.config, outDir: p.outDir, log: p.log });

/** name → mode (octal) of every regular file of the package named `pkg` (its SBOM left out). */
function files(r: MelangeBuildResult, pkg: string): Record<string, string> {
  const path = r.packages.find((x) => x.name === pkg)!.path;
  return Object.fromEntries(readPackage(path).dataEntries.filter((e) => e.type === 'file' && !e.name.startsWith('var/lib/db/sbom/')).map((e) => [e.name, (e.mode & 0o7777).toString(8)]));
}
const pkginfo = (r: MelangeBuildResult, pkg: string) => pkginfoText(r.packages.find((x) => x.name === pkg)!.path);

const HELLO_C = '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n';

/** A configure script as autoconf makes them, reduced to what the pipeline passes: it writes Makefile from Makefile.in. */
const CONFIGURE = `#!/bin/sh
prefix=/usr/local; mandir=; host=; build=
for a; do
  case "$a" in
    --prefix=*) prefix=\${a#*=};; --mandir=*) mandir=\${a#*=};; --host=*) host=\${a#*=};; --build=*) build=\${a#*=};;
    --sysconfdir=*|--libdir=*|--infodir=*|--localstatedir=*|--enable-*|--disable-*) ;;
    *) echo "configure: unknown option $a" >&2; exit 1;;
  esac
done
[ -n "$host" ] && [ -n "$build" ] || { echo "configure: --host and --build expected" >&2; exit 1; }
sed -e "s|@prefix@|$prefix|g" -e "s|@mandir@|\${mandir:-$prefix/share/man}|g" Makefile.in > Makefile
echo "configured for $host with prefix $prefix"
`;
const MAKEFILE_IN = `prefix = @prefix@
mandir = @mandir@
all: hello libhello.a
hello: hello.c
\tcc -o hello hello.c
libhello.a: lib.c
\tcc -c lib.c -o lib.o && ar rcs libhello.a lib.o
install: all
\tinstall -D -m 755 hello $(DESTDIR)$(prefix)/bin/hello
\tinstall -D -m 644 hello.h $(DESTDIR)$(prefix)/include/hello.h
\tinstall -D -m 644 libhello.a $(DESTDIR)$(prefix)/lib/libhello.a
\tinstall -D -m 644 libhello.la $(DESTDIR)$(prefix)/lib/libhello.la
\tinstall -D -m 644 hello.1 $(DESTDIR)$(mandir)/man1/hello.1
\tinstall -D -m 644 README $(DESTDIR)$(prefix)/share/doc/hello/README
`;

describe.skipIf(!(hasTool('bwrap') && hasTool('make') && hasTool('cc')))('autoconf family and split/*', () => {
  it('configures, makes and installs, drops .la files, and splits dev, static, man pages and docs', async () => {
    const p = makeProject(
      `package:
  name: hello
  version: 2.0.0
  description: greets
pipeline:
  - uses: autoconf/configure
  - uses: autoconf/make
  - uses: autoconf/make-install
subpackages:
  - name: hello-static
    pipeline:
      - uses: split/static
  - name: hello-dev
    pipeline:
      - uses: split/dev
  - name: hello-doc
    pipeline:
      - uses: split/manpages
  - name: hello-alldocs
    pipeline:
      - uses: split/alldocs
`,
      { configure: CONFIGURE, 'Makefile.in': MAKEFILE_IN, 'hello.c': HELLO_C, 'lib.c': 'int hello_lib(void) { return 1; }\n', 'hello.h': 'int hello_lib(void);\n', 'libhello.la': '# libtool\n', 'hello.1': '.TH HELLO 1\n', README: 'read me\n' },
    );
    execFileSync('chmod', ['755', `${p.dir}/configure`]);
    const r = await build(p);
    expect(p.logs.some((l) => /configured for x86_64-pc-linux-gnu with prefix \/usr/.test(l))).toBe(true);
    expect(files(r, 'hello')).toEqual({ 'usr/bin/hello': '755' });
    expect(files(r, 'hello-static')).toEqual({ 'usr/lib/libhello.a': '644' });
    expect(files(r, 'hello-dev')).toEqual({ 'usr/include/hello.h': '644' });
    expect(files(r, 'hello-doc')).toEqual({ 'usr/share/man/man1/hello.1': '644' });
    expect(files(r, 'hello-alldocs')).toEqual({ 'usr/share/doc/hello/README': '644' });
    expect(pkginfo(r, 'hello')).toMatch(/^pkgname = hello\npkgver = 2\.0\.0-r0\n/m);
    expect(pkginfo(r, 'hello-dev')).toContain('pkgname = hello-dev\n');
  });
});

describe.skipIf(!(hasTool('bwrap') && hasTool('cmake') && hasTool('ninja') && hasTool('cc')))('cmake family', () => {
  it('configures with Ninja, builds and installs under /usr, and split/bin moves the program', async () => {
    const p = makeProject(
      `package:
  name: chello
  version: 1.0.0
pipeline:
  - uses: cmake/configure
  - uses: cmake/build
  - uses: cmake/install
subpackages:
  - name: chello-bin
    pipeline:
      - uses: split/bin
`,
      { 'CMakeLists.txt': 'cmake_minimum_required(VERSION 3.13)\nproject(chello C)\nadd_executable(chello hello.c)\ninstall(TARGETS chello)\ninstall(FILES data.txt DESTINATION share/chello)\n', 'hello.c': HELLO_C, 'data.txt': 'data\n' },
    );
    const r = await build(p);
    expect(files(r, 'chello')).toEqual({ 'usr/share/chello/data.txt': '644' });
    expect(files(r, 'chello-bin')).toEqual({ 'usr/bin/chello': '755' });
  });
});

describe.skipIf(!(hasTool('bwrap') && hasTool('meson') && hasTool('ninja') && hasTool('cc')))('meson family', () => {
  it('sets up, compiles and installs under /usr', async () => {
    const p = makeProject(
      `package:\n  name: mhello\n  version: 1.0.0\npipeline:\n  - uses: meson/configure\n  - uses: meson/compile\n  - uses: meson/install\n`,
      { 'meson.build': "project('mhello', 'c')\nexecutable('mhello', 'hello.c', install: true)\n", 'hello.c': HELLO_C },
    );
    const r = await build(p);
    expect(files(r, 'mhello')).toEqual({ 'usr/bin/mhello': '755' });
  });
});

const goDir = (() => {
  try {
    return execFileSync('go', ['env', 'GOROOT']).toString().trim() + '/bin';
  } catch {
    return undefined;
  }
})();

describe.skipIf(!(hasTool('bwrap') && hasTool('go')) || goDir === undefined || /^\/(root|home|tmp)\//.test(goDir ?? ''))('go family', () => {
  // A fresh GOCACHE compiles the runtime: the slowest family, so it gets a longer timeout.
  it('builds a module into usr/bin with go/build, ldflags reaching the binary', { timeout: 240_000 }, async () => {
    const p = makeProject(
      `package:
  name: ghello
  version: 1.0.0
environment:
  environment:
    PATH: ${goDir}:/usr/local/bin:/usr/bin:/bin
    GOPROXY: "off"
    GOTOOLCHAIN: local
    CGO_ENABLED: "0"
pipeline:
  - uses: go/build
    with:
      packages: .
      output: ghello
      ldflags: -X main.version=\${{package.version}}
`,
      { 'go.mod': 'module example.com/ghello\n\ngo 1.20\n', 'main.go': 'package main\n\nvar version = "dev"\n\nfunc main() { println("hello", version) }\n' },
    );
    const r = await build(p);
    expect(files(r, 'ghello')).toEqual({ 'usr/bin/ghello': '755' });
    const bin = readPackage(r.packages[0]!.path).dataEntries.find((e) => e.name === 'usr/bin/ghello')!;
    expect(bin.data.includes('1.0.0')).toBe(true);
  });
});

describe.skipIf(!(hasTool('bwrap') && hasTool('perl') && hasTool('make')))('perl family', () => {
  it('configures a Makefile.PL module into vendor_perl and perl/cleanup removes perllocal.pod and .packlist', async () => {
    const p = makeProject(
      `package:
  name: perl-hello
  version: 0.1.0
pipeline:
  - uses: perl/make
  - uses: autoconf/make
  - uses: autoconf/make-install
  - uses: perl/cleanup
`,
      {
        'Makefile.PL': "use ExtUtils::MakeMaker;\nWriteMakefile(NAME => 'Hello', VERSION => '0.1', INSTALLMAN3DIR => 'none');\n",
        'lib/Hello.pm': 'package Hello;\nsub hi { "hi" }\n1;\n',
      },
    );
    const r = await build(p);
    const names = Object.keys(files(r, 'perl-hello'));
    expect(names.filter((n) => n.endsWith('/Hello.pm'))).toHaveLength(1);
    expect(names.find((n) => n.endsWith('/Hello.pm'))).toMatch(/^usr\/(share|lib)\/.*perl5?\/vendor_perl\/Hello\.pm$|^usr\/share\/perl5\/Hello\.pm$/);
    expect(names.some((n) => n.endsWith('perllocal.pod') || n.endsWith('.packlist'))).toBe(false);
  });
});

/** True when Debian's python3 has build, installer and setuptools (python3-build, python3-installer); under CI their absence fails. */
function hasPythonBuild(): boolean {
  let ok = true;
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import build, installer, setuptools'], { stdio: 'ignore' });
  } catch {
    ok = false;
  }
  return provided(ok, 'python3 with build, installer and setuptools (Debian\'s python3-build, python3-installer, python3-setuptools)');
}

describe.skipIf(!(hasTool('bwrap') && hasPythonBuild()))('python family', () => {
  it('builds a wheel from pyproject.toml and installs it under /usr with python/build-wheel', async () => {
    const p = makeProject(
      `package:\n  name: py3-hello\n  version: 1.0.0\npipeline:\n  - uses: python/build-wheel\n`,
      {
        'pyproject.toml': '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "hello"\nversion = "1.0.0"\n',
        'hello/__init__.py': 'def hi():\n    return "hi"\n',
      },
    );
    const r = await build(p);
    const names = Object.keys(files(r, 'py3-hello'));
    expect(names.filter((n) => /^usr\/lib\/python3[.\d]*\/(site|dist)-packages\/hello\/__init__\.py$/.test(n))).toHaveLength(1);
    expect(names.some((n) => n.includes('__pycache__'))).toBe(false);
  });
});

/**
 * True when `tool` is installed where a bubblewrap step finds it (/usr/bin or /usr/local/bin: the
 * host's homes are hidden, so a rustup cargo under ~/.cargo does not count); under CI its absence fails.
 */
function hasSystemTool(tool: string, apt: string): boolean {
  return provided(['/usr/bin', '/usr/local/bin'].some((d) => existsSync(`${d}/${tool}`)), `${tool} in /usr/bin or /usr/local/bin (Debian's ${apt})`);
}

describe.skipIf(!(hasTool('bwrap') && hasSystemTool('cargo', 'cargo')))('cargo family', () => {
  it('builds a crate with cargo/build and installs its program into usr/bin', { timeout: 240_000 }, async () => {
    const p = makeProject(
      `package:
  name: hello-rs
  version: 0.1.0
pipeline:
  - uses: cargo/build
    with:
      output: hello-rs
`,
      {
        'Cargo.toml': '[package]\nname = "hello-rs"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n',
        'src/main.rs': 'fn main() {\n    println!("hello from cargo");\n}\n',
      },
    );
    const r = await build(p);
    expect(files(r, 'hello-rs')).toEqual({ 'usr/bin/hello-rs': '755' });
    const bin = readPackage(r.packages[0]!.path).dataEntries.find((e) => e.name === 'usr/bin/hello-rs')!;
    expect(bin.data.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(bin.data.includes('hello from cargo')).toBe(true);
    expect(pkginfo(r, 'hello-rs')).toMatch(/^depend = so:libc\.so\.6$/m);
  });
});

describe.skipIf(!(hasTool('bwrap') && hasSystemTool('gem', 'ruby')))('ruby family', () => {
  it('builds a gem with ruby/build, installs it with ruby/install, and ruby/clean drops the gem cache', { timeout: 240_000 }, async () => {
    const p = makeProject(
      `package:
  name: ruby-hello
  version: 0.1.0
pipeline:
  - uses: ruby/build
    with:
      gem: hello
  - uses: ruby/install
    with:
      gem: hello
      version: 0.1.0
  - uses: ruby/clean
`,
      {
        'hello.gemspec': "Gem::Specification.new do |s|\n  s.name = 'hello'\n  s.version = '0.1.0'\n  s.summary = 'hello'\n  s.authors = ['e2e']\n  s.license = 'MIT'\n  s.files = ['lib/hello.rb']\nend\n",
        'lib/hello.rb': "module Hello\n  def self.hi = 'hi'\nend\n",
      },
    );
    const r = await build(p);
    const names = Object.keys(files(r, 'ruby-hello'));
    expect(names.filter((n) => /\/gems\/hello-0\.1\.0\/lib\/hello\.rb$/.test(n))).toHaveLength(1);
    expect(names.filter((n) => /\/specifications\/hello-0\.1\.0\.gemspec$/.test(n))).toHaveLength(1);
    expect(names.some((n) => /\/cache\/hello-0\.1\.0\.gem$/.test(n))).toBe(false);
    // The gems go to the installing ruby's Gem.default_dir (Debian's is /var/lib/gems/<version>).
    const gemDir = execFileSync('ruby', ['-e', 'puts Gem.default_dir'], { encoding: 'utf8' }).trim().replace(/^\//, '');
    expect(names.every((n) => n.startsWith(`${gemDir}/`) || n.startsWith('usr/'))).toBe(true);
  });
});

describe.skipIf(!(hasTool('bwrap') && hasSystemTool('npm', 'npm')))('npm family', () => {
  it('installs a package from the npm registry under usr/lib/node_modules with npm/install', { timeout: 240_000 }, async () => {
    // npm --global --prefix reads no global npmrc, so the system CA bundle is named (as behind a TLS-inspecting proxy).
    const p = makeProject(`package:
  name: ms
  version: 2.1.3
environment:
  environment:
    npm_config_cafile: /etc/ssl/certs/ca-certificates.crt
pipeline:
  - uses: npm/install
    with:
      package: ms
      version: \${{package.version}}
`);
    const r = await build(p);
    const names = Object.keys(files(r, 'ms'));
    expect(names).toContain('usr/lib/node_modules/ms/index.js');
    const pkg = readPackage(r.packages[0]!.path).dataEntries.find((e) => e.name === 'usr/lib/node_modules/ms/package.json')!;
    expect(JSON.parse(pkg.data.toString('utf8')).version).toBe('2.1.3');
  });
});
