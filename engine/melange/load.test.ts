import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { loadMelangeConfig } from './load';
import { makeProject } from './testdata/project';

async function loadError(yaml: string): Promise<ConfigError> {
  const p = makeProject(yaml);
  const err = await loadMelangeConfig(p.config).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

const MINIMAL = `package:
  name: hello
  version: 1.0.0
pipeline:
  - runs: echo hi
`;

describe('loadMelangeConfig', () => {
  it('fills defaults for everything the file leaves out', async () => {
    const { config, text } = await loadMelangeConfig(makeProject(MINIMAL).config);
    expect(text).toBe(MINIMAL);
    expect(config.package).toEqual({
      name: 'hello',
      version: '1.0.0',
      epoch: 0,
      description: '',
      url: '',
      commit: '',
      targetArchitecture: [],
      copyright: [],
      dependencies: { runtime: [], provides: [], replaces: [] },
      options: { noProvides: false, noDepends: false, noCommands: false },
      scriptlets: { scripts: {}, triggerPaths: [] },
      setcap: [],
      checksDisabled: [],
    });
    expect(config.pipeline).toEqual([{ runs: 'echo hi', with: {}, environment: {}, pipeline: [], needs: [] }]);
    expect(config.environment.contents).toEqual({ repositories: [], keyring: [], packages: [] });
  });

  it('keeps a version such as 1.10 as written, as go-yaml hands it to melange', async () => {
    const { config } = await loadMelangeConfig(makeProject(MINIMAL.replace('1.0.0', '1.10')).config);
    expect(config.package.version).toBe('1.10');
  });

  it('reads package fields, scriptlets and the build environment', async () => {
    const yaml = `package:
  name: app
  version: 2.0_rc1
  epoch: 4
  description: the app \${{vars.flavor}}
  url: https://example.com
  copyright:
    - license: MIT
      attestation: Copyright Example
  dependencies:
    runtime: [busybox, "\${{package.name}}-config=\${{package.full-version}}"]
    provides: ["application=\${{package.version}}"]
    replaces: [old-app]
    provider-priority: 10
  options:
    no-commands: true
  scriptlets:
    post-install: |
      #!/bin/sh
      echo installed
    trigger:
      script: "#!/bin/sh\\necho trig"
      paths: [/usr/share/app]
environment:
  contents:
    repositories: [https://packages.wolfi.dev/os]
    keyring: [https://packages.wolfi.dev/os/wolfi-signing.rsa.pub]
    packages: [busybox, build-base]
  environment:
    CFLAGS: -O2
vars:
  flavor: full
pipeline:
  - runs: echo hi
`;
    const { config } = await loadMelangeConfig(makeProject(yaml).config);
    expect(config.package).toMatchObject({
      version: '2.0_rc1',
      epoch: 4,
      description: 'the app full',
      copyright: [{ license: 'MIT', attestation: 'Copyright Example' }],
      dependencies: { runtime: ['busybox', 'app-config=2.0_rc1-r4'], provides: ['application=2.0_rc1'], replaces: ['old-app'], providerPriority: '10' },
      options: { noProvides: false, noDepends: false, noCommands: true },
      scriptlets: { scripts: { '.post-install': '#!/bin/sh\necho installed\n', '.trigger': '#!/bin/sh\necho trig' }, triggerPaths: ['/usr/share/app'] },
    });
    expect(config.environment.contents.packages).toEqual(['busybox', 'build-base']);
    expect(config.environment.environment).toEqual({ CFLAGS: '-O2' });
  });

  it('lets vars given by the caller override the file', async () => {
    const p = makeProject(`${MINIMAL}vars:\n  v: file\n`);
    const { substitutions } = await loadMelangeConfig(p.config, { vars: { v: 'caller' } });
    expect(substitutions.get('vars.v')).toBe('caller');
  });

  it('expands range subpackages from data, one per item in sorted key order', async () => {
    const yaml = `${MINIMAL}data:
  - name: flavors
    items:
      zeta: last
      alpha: first
subpackages:
  - range: flavors
    name: hello-\${{range.key}}
    description: \${{range.value}} flavor
    pipeline:
      - runs: echo \${{range.key}} \${{targets.subpkgdir}}
`;
    const { config } = await loadMelangeConfig(makeProject(yaml).config);
    expect(config.subpackages.map((s) => [s.name, s.description, s.pipeline[0]!.runs])).toEqual([
      ['hello-alpha', 'first flavor', 'echo alpha ${{targets.subpkgdir}}'],
      ['hello-zeta', 'last flavor', 'echo zeta ${{targets.subpkgdir}}'],
    ]);
  });

  it('refuses an unknown key with the file, line, column and YAML path', async () => {
    const err = await loadError(`package:\n  name: hello\n  version: 1.0.0\n  licence: MIT\npipeline: []\n`);
    expect(err.message).toMatch(/melange\.yaml:4:3: package\.licence: unknown key "licence" \(expected one of: name, version, epoch/);
    expect([err.line, err.column, err.path]).toEqual([4, 3, 'package.licence']);
  });

  it('refuses an unknown key inside a nested pipeline step', async () => {
    const err = await loadError(`${MINIMAL}  - pipeline:\n      - runs: ls\n        workdir: /tmp\n`);
    expect(err.message).toMatch(/melange\.yaml:8:9: pipeline\[1\]\.pipeline\[0\]\.workdir: unknown key "workdir"/);
  });

  it('refuses an unknown uses: naming it, the file and the position', async () => {
    const err = await loadError(`${MINIMAL}  - uses: autoconf/mak\n`);
    expect(err.message).toMatch(/melange\.yaml:6:11: pipeline\[1\]\.uses: uses: autoconf\/mak is not a pipeline: there is no autoconf\/mak\.yaml among the built-in pipelines/);
    expect(err.hint).toBe('check the name, or pass the directory holding its definition with --pipeline-dir');
  });

  it('refuses an unknown input to a built-in pipeline', async () => {
    const err = await loadError(`${MINIMAL}  - uses: copy\n    with:\n      source: a\n`);
    expect(err.message).toContain('melange.yaml:8:7: pipeline[1].with.source: pipeline copy (built-in pipeline copy) has no input "source" (inputs: src, dest, opts, modroot)');
  });

  it('refuses a step with both uses and runs', async () => {
    const err = await loadError(`${MINIMAL}  - uses: strip\n    runs: ls\n`);
    expect(err.message).toContain('pipeline[1].runs: a step cannot have both uses (strip) and runs');
  });

  it('refuses an undefined substitution in a step before anything runs', async () => {
    const err = await loadError(`${MINIMAL}  - runs: echo \${{vars.nope}}\n`);
    expect(err.message).toBe('melange.yaml: pipeline[1].runs: ${{vars.nope}} is not defined'.replace('melange.yaml', err.file!));
  });

  it('refuses targets.subpkgdir in the main pipeline but accepts it in a subpackage', async () => {
    const bad = await loadError(`${MINIMAL}  - runs: ls \${{targets.subpkgdir}}\n`);
    expect(bad.message).toContain('${{targets.subpkgdir}} is not defined');
    const ok = `${MINIMAL}subpackages:\n  - name: hello-doc\n    pipeline:\n      - runs: ls \${{targets.subpkgdir}}\n`;
    await expect(loadMelangeConfig(makeProject(ok).config)).resolves.toBeDefined();
  });

  it.each([
    ['version: 1.0.0-r1', 'package.version: "1.0.0-r1" ends in a release suffix'],
    ['name: "-bad"', 'package.name: "-bad" is not a package name'],
  ])('refuses %s', async (line, message) => {
    const yaml = MINIMAL.replace(line.startsWith('name') ? 'name: hello' : 'version: 1.0.0', line);
    expect((await loadError(yaml)).message).toContain(message);
  });

  it('refuses a subpackage that repeats the main package name', async () => {
    const err = await loadError(`${MINIMAL}subpackages:\n  - name: hello\n`);
    expect(err.message).toContain('subpackages[0].name: "hello" is already the name of the main package');
  });

  it('refuses a priority that is not an integer', async () => {
    const err = await loadError(MINIMAL.replace('version: 1.0.0', 'version: 1.0.0\n  dependencies:\n    provider-priority: high'));
    expect(err.message).toContain('package.dependencies.provider-priority: expected an integer, got "high"');
  });

  it('loads a whole apko image configuration under environment, and annotations, as melange does', async () => {
    const yaml = `package:\n  name: envtest\n  version: 1.0.0\n  annotations:\n    org.example/team: core\nenvironment:\n  contents:\n    packages: [busybox]\n    runtime_keyring: [x.pub]\n  entrypoint:\n    command: /bin/sh\n  work-dir: /home/build\n  paths:\n    - path: /var/x\n      type: directory\n      permissions: 0o755\n  certificates:\n    additional: []\n  layering: {strategy: origin, budget: 5}\npipeline:\n  - runs: echo hi\nsubpackages:\n  - name: envtest-doc\n    annotations: {a: b}\n`;
    const { config } = await loadMelangeConfig(makeProject(yaml).config);
    expect(config.environment.contents.packages).toEqual(['busybox']);
    expect(config.subpackages.map((s) => s.name)).toEqual(['envtest-doc']);
    const typo = await loadError(yaml.replace('  work-dir:', '  workdir:'));
    expect(typo.message).toContain('environment.workdir: unknown key "workdir"');
  });

  it('reports a missing file and an empty file as ConfigErrors', async () => {
    await expect(loadMelangeConfig('/nonexistent/melange.yaml')).rejects.toThrow('cannot read /nonexistent/melange.yaml');
    expect((await loadError('\n')).message).toContain(':1:1: the file is empty');
  });
});
