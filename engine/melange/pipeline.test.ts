import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasTool } from '../../e2e/support/env';
import { PipelineError } from '../errors';
import { makeProject, readPackage, type Project, melangeBuild } from './testdata/project';

async function build(p: Project) {
  return melangeBuild({ configPath: p.config, outDir: p.outDir, archs: 'x86_64', sourceDateEpoch: 0, log: p.log });
}

/** The packaged text file at `path` of the first package. */
async function fileOf(yaml: string, path: string, files: Record<string, string> = {}): Promise<string> {
  const p = makeProject(yaml, files);
  const r = await build(p);
  return readPackage(r.packages[0]!.path).dataEntries.find((e) => e.name === path)!.data.toString();
}

const head = `package:\n  name: steps\n  version: 1.0.0\n`;

describe('pipeline steps', () => {
  afterEach(() => {
    delete process.env.APKO_NX_LEAK_CHECK;
  });

  it('runs in a copy of the source directory with a fixed environment, not the caller\'s', async () => {
    process.env.APKO_NX_LEAK_CHECK = 'leaked';
    const out = await fileOf(
      `${head}environment:\n  environment:\n    FROM_CONFIG: yes-config\npipeline:\n  - runs: |\n      cat src/input.txt > out.txt\n      echo "home=$([ "$HOME" = "$(pwd)" ] && echo workspace) sde=$SOURCE_DATE_EPOCH path=$PATH cfg=$FROM_CONFIG leak=\${APKO_NX_LEAK_CHECK:-none}" >> out.txt\n      mkdir -p \${{targets.destdir}} && cp out.txt \${{targets.destdir}}/out.txt\n`,
      'out.txt',
      { 'src/input.txt': 'from the source dir\n' },
    );
    expect(out).toBe('from the source dir\nhome=workspace sde=0 path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin cfg=yes-config leak=none\n');
  });

  it('leaves the output directory out of the workspace copy', async () => {
    const p = makeProject(`${head}pipeline:\n  - runs: |\n      mkdir -p \${{targets.destdir}}\n      ls > \${{targets.destdir}}/listing\n`);
    await build(p);
    const r = await build(p);
    expect(readPackage(r.packages[0]!.path).dataEntries.find((e) => e.name === 'listing')!.data.toString()).toBe('melange-out\nmelange.yaml\n');
  });

  it('starts every package from an empty output directory, even when the sources hold a melange-out', async () => {
    const p = makeProject(`${head}pipeline:\n  - runs: mkdir -p \${{targets.destdir}} && echo new > \${{targets.destdir}}/new\n`, { 'melange-out/steps/stale': 'old\n' });
    const r = await build(p);
    expect(readPackage(r.packages[0]!.path).dataEntries.map((e) => e.name).filter((n) => !n.startsWith('var'))).toEqual(['new']);
  });

  it('skips a step whose if: is false and runs one whose if: is true', async () => {
    const yaml = `${head}pipeline:
  - if: \${{build.arch}} == 'aarch64'
    runs: mkdir -p \${{targets.destdir}} && echo arm >> \${{targets.destdir}}/log
  - if: \${{build.arch}} == 'x86_64' && \${{package.name}} != 'other'
    runs: mkdir -p \${{targets.destdir}} && echo x86 >> \${{targets.destdir}}/log
`;
    const p = makeProject(yaml);
    const r = await build(p);
    expect(readPackage(r.packages[0]!.path).dataEntries.find((e) => e.name === 'log')!.data.toString()).toBe('x86\n');
    // The step is named by its first line, cut at 60 characters.
    expect(p.logs).toContain(`skipping step "mkdir -p \${{targets.destdir}} && echo arm >> \${{targets.d...": if: \${{build.arch}} == 'aarch64' is false`);
  });

  it('passes working-directory and environment down to nested steps, which may override them', async () => {
    const yaml = `${head}pipeline:
  - working-directory: sub/dir
    environment:
      A: outer
      B: outer
    pipeline:
      - runs: mkdir -p \${{targets.destdir}} && echo "$(basename $(pwd)) $A $B" >> \${{targets.destdir}}/log
      - working-directory: /tmp
        environment:
          B: inner
        runs: echo "$(pwd) $A $B" >> \${{targets.destdir}}/log
`;
    expect(await fileOf(yaml, 'log')).toBe('dir outer outer\n/tmp outer inner\n');
  });

  it('creates files with umask 022 whatever the caller\'s umask is', async () => {
    const old = process.umask(0o077);
    try {
      const p = makeProject(`${head}pipeline:\n  - runs: mkdir -p \${{targets.destdir}}/d && echo x > \${{targets.destdir}}/d/f\n`);
      const r = await build(p);
      const pkg = readPackage(r.packages[0]!.path);
      expect(pkg.dataEntries.filter((e) => e.name.startsWith('d')).map((e) => [e.name, e.mode.toString(8)])).toEqual([
        ['d', '755'],
        ['d/f', '644'],
      ]);
    } finally {
      process.umask(old);
    }
  });

  it('copies files with uses: copy', async () => {
    const yaml = `${head}pipeline:
  - uses: copy
    with:
      src: files/a.txt
      dest: \${{targets.destdir}}/usr/share/steps/a.txt
`;
    expect(await fileOf(yaml, 'usr/share/steps/a.txt', { 'files/a.txt': 'copied\n' })).toBe('copied\n');
  });

  it('logs that strip is skipped when the environment has no strip', async () => {
    const p = makeProject(`${head}environment:\n  environment:\n    PATH: /nonexistent\npipeline:\n  - runs: /bin/mkdir -p \${{targets.destdir}}/usr/bin && /bin/cp /usr/bin/env \${{targets.destdir}}/usr/bin/env\n  - uses: strip\n`);
    await build(p);
    expect(p.logs).toContain('strip: binutils is not installed in the build environment; skipping');
  });

  it.skipIf(!hasTool('objcopy') || !hasTool('strip'))('strips the symbol table of ELF files with uses: strip', async () => {
    const yaml = `${head}pipeline:
  - runs: |
      mkdir -p \${{targets.destdir}}/usr/bin
      objcopy --add-symbol apko_nx_marker_symbol=0 /usr/bin/env \${{targets.destdir}}/usr/bin/env
      grep -q apko_nx_marker_symbol \${{targets.destdir}}/usr/bin/env
  - uses: strip
    with:
      opts: --strip-all
`;
    const p = makeProject(yaml);
    const r = await build(p);
    const env = readPackage(r.packages[0]!.path).dataEntries.find((e) => e.name === 'usr/bin/env')!;
    expect(env.data.includes('apko_nx_marker_symbol')).toBe(false);
    expect(env.mode.toString(8)).toBe('755');
  });

  it('does not build a subpackage whose if: is false', async () => {
    const p = makeProject(`${head}pipeline: []\nsubpackages:\n  - name: steps-arm\n    if: \${{build.arch}} == 'aarch64'\n  - name: steps-x86\n    if: \${{build.arch}} == 'x86_64'\n`);
    const r = await build(p);
    expect(r.packages.map((x) => x.name)).toEqual(['steps', 'steps-x86']);
  });

  it('skips the whole build when target-architecture excludes the arch', async () => {
    const p = makeProject(`${head}  target-architecture: [aarch64]\npipeline: []\n`);
    expect(await build(p)).toEqual({ packages: [], indexes: [] });
    expect(p.logs).toContain('skipping steps: package.target-architecture (aarch64) does not include x86_64');
    expect(existsSync(p.outDir)).toBe(false);
  });
});

describe('a failing step', () => {
  const failing = `${head}pipeline:
  - name: good
    runs: mkdir -p \${{targets.destdir}} && echo ok > \${{targets.destdir}}/ok
  - name: compile
    runs: |
      for i in $(seq 1 30); do echo "line $i"; done
      echo "fatal: no such file" >&2
      exit 3
  - name: never
    runs: touch /tmp/apko-nx-never-runs
subpackages:
  - name: steps-doc
`;

  it('is a PipelineError naming the step, its command, its exit code and the last 20 lines of output', async () => {
    const p = makeProject(failing);
    const err = await build(p).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PipelineError);
    const e = err as PipelineError;
    expect([e.code, e.step, e.exitCode]).toEqual(['EPIPELINE', 'compile', 3]);
    const tail = [...Array.from({ length: 19 }, (_, i) => `    line ${i + 12}`), '    fatal: no such file'].join('\n');
    expect(e.message).toBe(
      `steps: step "compile" failed with exit code 3 (${p.config}: pipeline[1])\ncommand:\n    for i in $(seq 1 30); do echo "line $i"; done\n    echo "fatal: no such file" >&2\n    exit 3\nlast 20 lines of output:\n${tail}`,
    );
    expect(p.logs).not.toContain('running step "never"');
  });

  it('writes no package and no index, and leaves an existing repository untouched', async () => {
    const p = makeProject(failing.replace('exit 3', 'exit 0'));
    await build(p);
    const archDir = join(p.outDir, 'x86_64');
    const before = readdirSync(archDir).sort();
    const bytes = before.map((f) => execFileSync('sha256sum', [join(archDir, f)]).toString());
    const q = makeProject(failing.replace('version: 1.0.0', 'version: 1.0.1'));
    await expect(melangeBuild({ configPath: q.config, outDir: p.outDir, archs: 'x86_64', sourceDateEpoch: 0, log: q.log })).rejects.toThrow(PipelineError);
    expect(readdirSync(archDir).sort()).toEqual(before);
    expect(before.map((f) => execFileSync('sha256sum', [join(archDir, f)]).toString())).toEqual(bytes);
    expect(existsSync(join(q.outDir))).toBe(false);
  });

  it('fails when nested steps that ran do not match assertions.required-steps', async () => {
    const p = makeProject(`${head}pipeline:\n  - assertions:\n      required-steps: 2\n    pipeline:\n      - runs: "true"\n      - if: "'a' == 'b'"\n        runs: "true"\n`);
    await expect(build(p)).rejects.toThrow('steps: step "pipeline" ran 1 of its nested steps, but assertions.required-steps is 2');
  });
});
