import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasTool, isRoot } from '../../e2e/support/env';
import { ConfigError } from '../errors';
import { loadMelangeConfig } from './load';
import { stepCapabilities } from './runner-bubblewrap';
import { makeProject, melangeBuild, readPackage, type Project } from './testdata/project';

/** A file with one option, as melange's examples/options.yaml is written. */
const OPTIONS = `package:
  name: curlish
  version: 7.87.0
environment:
  contents:
    packages: [busybox, openssl-dev, zlib-dev]
vars:
  tls: --with-openssl
options:
  rustls:
    vars:
      tls: --with-rustls
    environment:
      contents:
        packages:
          add: [rustls-ffi]
          remove: [openssl-dev]
pipeline:
  - if: \${{options.rustls.enabled}} == 'true'
    runs: echo rustls
  - runs: |
      mkdir -p \${{targets.destdir}}/usr/share/curlish
      echo "\${{vars.tls}} \${{options.rustls.enabled}} \${{package.srcdir}}" > \${{targets.destdir}}/usr/share/curlish/flags
subpackages:
  - if: \${{options.rustls.enabled}} == 'true'
    name: curlish-rustls
    pipeline:
      - runs: mkdir -p \${{targets.subpkgdir}}/usr/share/rustls && echo on > \${{targets.subpkgdir}}/usr/share/rustls/on
`;

describe('build options (--build-option)', () => {
  it('without the option: vars and environment as written, options.<name>.enabled is false', async () => {
    const { config, substitutions, warnings } = await loadMelangeConfig(makeProject(OPTIONS).config);
    expect(config.environment.contents.packages).toEqual(['busybox', 'openssl-dev', 'zlib-dev']);
    expect(substitutions.get('vars.tls')).toBe('--with-openssl');
    expect(substitutions.get('options.rustls.enabled')).toBe('false');
    expect(warnings).toEqual([]);
  });

  it('with the option: its vars win, its packages are added and removed, options.<name>.enabled is true', async () => {
    const { config, substitutions } = await loadMelangeConfig(makeProject(OPTIONS).config, { buildOptions: ['rustls'] });
    expect(config.environment.contents.packages).toEqual(['busybox', 'zlib-dev', 'rustls-ffi']);
    expect(substitutions.get('vars.tls')).toBe('--with-rustls');
    expect(substitutions.get('options.rustls.enabled')).toBe('true');
  });

  it('--var still wins over an option\'s vars', async () => {
    const { substitutions } = await loadMelangeConfig(makeProject(OPTIONS).config, { buildOptions: ['rustls'], vars: { tls: '--with-mbedtls' } });
    expect(substitutions.get('vars.tls')).toBe('--with-mbedtls');
  });

  it('warns, naming the file and the options it defines, for an option the file does not define', async () => {
    const p = makeProject(OPTIONS);
    const { warnings, substitutions } = await loadMelangeConfig(p.config, { buildOptions: ['gnutls'] });
    expect(warnings).toEqual([`${p.config}: build option "gnutls" is not defined under options: (defined: rustls); it changes nothing but \${{options.gnutls.enabled}}`]);
    expect(substitutions.get('options.gnutls.enabled')).toBe('true');
  });

  it('refuses an option entry with a key melange does not know', async () => {
    const p = makeProject(OPTIONS.replace('    vars:\n      tls: --with-rustls', '    varz:\n      tls: --with-rustls'));
    await expect(loadMelangeConfig(p.config)).rejects.toThrow(/options\.rustls\.varz: unknown key "varz"/);
  });
});

describe('--vars-file', () => {
  it('merges a YAML map over vars:, scalars read as text, and build options apply after it as in melange', async () => {
    const p = makeProject(OPTIONS, { 'vars.yaml': 'tls: --with-wolfssl\nlevel: 3\n' });
    const plain = await loadMelangeConfig(p.config, { varsFile: join(p.dir, 'vars.yaml') });
    expect(plain.substitutions.get('vars.tls')).toBe('--with-wolfssl');
    expect(plain.substitutions.get('vars.level')).toBe('3');
    const withOption = await loadMelangeConfig(p.config, { varsFile: join(p.dir, 'vars.yaml'), buildOptions: ['rustls'] });
    expect(withOption.substitutions.get('vars.tls')).toBe('--with-rustls');
  });

  it('refuses a missing file and one that is not a map, naming the file', async () => {
    const p = makeProject(OPTIONS, { 'list.yaml': '- a\n- b\n', 'nested.yaml': 'tls:\n  deep: x\n', 'scalar.yaml': 'just-text\n' });
    await expect(loadMelangeConfig(p.config, { varsFile: join(p.dir, 'none.yaml') })).rejects.toThrow(`cannot read the vars file ${join(p.dir, 'none.yaml')}`);
    await expect(loadMelangeConfig(p.config, { varsFile: join(p.dir, 'list.yaml') })).rejects.toThrow(`${join(p.dir, 'list.yaml')}: a vars file is a map of names to values`);
    await expect(loadMelangeConfig(p.config, { varsFile: join(p.dir, 'scalar.yaml') })).rejects.toThrow(`${join(p.dir, 'scalar.yaml')}: a vars file is a map of names to values`);
    const err = await loadMelangeConfig(p.config, { varsFile: join(p.dir, 'nested.yaml') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('tls: a vars file value is a single scalar');
  });
});

describe('versions and capabilities as melange loads them', () => {
  const MINIMAL = 'package:\n  name: hello\n  version: 1.0.0\npipeline:\n  - runs: echo hi\n';

  it('loads a version apk cannot order, with a warning naming the file, line and version', async () => {
    const p = makeProject(MINIMAL.replace('1.0.0', 'v0.0.1'));
    const { config, warnings } = await loadMelangeConfig(p.config);
    expect(config.package.version).toBe('v0.0.1');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${p.config}:3: package.version "v0.0.1" is not a version apk can order`);
  });

  it('reads top-level capabilities and refuses a name that is not a capability', async () => {
    const ok = await loadMelangeConfig(makeProject(`${MINIMAL}capabilities:\n  add: [CAP_NET_ADMIN]\n  drop: [CAP_KILL]\n`).config);
    expect(ok.config.capabilities).toEqual({ add: ['CAP_NET_ADMIN'], drop: ['CAP_KILL'] });
    expect(stepCapabilities(ok.config.capabilities)).toContain('CAP_NET_ADMIN');
    expect(stepCapabilities(ok.config.capabilities)).not.toContain('CAP_KILL');
    await expect(loadMelangeConfig(makeProject(`${MINIMAL}capabilities:\n  add: [net-admin]\n`).config)).rejects.toThrow(/capabilities\.add\[0\]: "net-admin" is not a Linux capability name/);
  });
});

describe.skipIf(!hasTool('bwrap'))('build options in a build (bubblewrap runner)', () => {
  const build = (p: Project, buildOptions: string[]) =>
    melangeBuild({ configPath: p.config, outDir: p.outDir, log: p.log, archs: ['host'], buildOptions });
  const flags = (path: string) => readPackage(path).dataEntries.find((e) => e.name === 'usr/share/curlish/flags')?.data.toString();
  // The build environment's packages need a repository; without one the host root is the build root, so leave them out here.
  const file = OPTIONS.replace('environment:\n  contents:\n    packages: [busybox, openssl-dev, zlib-dev]\n', '').replace(
    '    environment:\n      contents:\n        packages:\n          add: [rustls-ffi]\n          remove: [openssl-dev]\n',
    '',
  );

  it('builds the variant the option selects: its vars, its steps and its subpackage', async () => {
    const p = makeProject(file);
    const off = await build(p, []);
    expect(off.packages.map((x) => x.name)).toEqual(['curlish']);
    expect(flags(off.packages[0]!.path)).toBe('--with-openssl false /home/build\n');
    const q = makeProject(file);
    const on = await build(q, ['rustls']);
    expect(on.packages.map((x) => x.name)).toEqual(['curlish', 'curlish-rustls']);
    expect(flags(on.packages[0]!.path)).toBe('--with-rustls true /home/build\n');
    expect(q.logs.join('\n')).toContain('rustls');
  });

  it.skipIf(!isRoot())('grants an added capability to the steps of a root build and takes a dropped one away', async () => {
    const caps = 'capabilities:\n  add: [CAP_NET_ADMIN]\n  drop: [CAP_KILL]\n';
    const p = makeProject(`package:\n  name: caps\n  version: 1.0.0\n${caps}pipeline:\n  - runs: mkdir -p \${{targets.destdir}} && grep CapEff /proc/self/status > \${{targets.destdir}}/caps\n`);
    const r = await melangeBuild({ configPath: p.config, outDir: p.outDir, log: p.log, archs: ['host'] });
    const eff = BigInt(`0x${readPackage(r.packages[0]!.path).dataEntries.find((e) => e.name === 'caps')!.data.toString().split(/\s+/)[1]}`);
    const NET_ADMIN = 12n;
    const KILL = 5n;
    expect((eff >> NET_ADMIN) & 1n).toBe(1n);
    expect((eff >> KILL) & 1n).toBe(0n);
    expect(readFileSync(p.config, 'utf8')).toContain(caps);
  });
});
