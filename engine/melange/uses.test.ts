import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { loadMelangeConfig } from './load';
import type { PipelineStep } from './model';
import { makeProject, melangeBuild, readPackage } from './testdata/project';

const HEAD = 'package:\n  name: hello\n  version: 1.0.0\n';

/** A --pipeline-dir holding `files` (name → YAML). */
function pipelineDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'melange-pipelines-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, `${name}.yaml`), text);
  }
  return dir;
}

const GREET = `name: greet
needs:
  packages:
    - busybox
    - \${{inputs.shell}}
inputs:
  who: {required: true}
  greeting: {default: hello}
  shell: {default: dash}
pipeline:
  - runs: echo "\${{inputs.greeting}}, \${{inputs.who}}" > greeting.txt
  - if: \${{inputs.greeting}} == 'bye'
    runs: echo leaving
  - uses: local/inner
    with:
      text: \${{inputs.who}}
`;
const INNER = `inputs:
  text: {}
needs:
  packages: [inner-tool]
pipeline:
  - runs: echo "\${{inputs.text}}" > inner.txt
`;

async function load(yaml: string, dirs: string[]) {
  return loadMelangeConfig(makeProject(yaml).config, { pipelineDirs: dirs });
}

async function loadError(yaml: string, dirs: string[] = []): Promise<ConfigError> {
  const err = await load(yaml, dirs).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

function runs(steps: readonly PipelineStep[]): string[] {
  return steps.flatMap((s) => [...(s.runs !== undefined ? [s.runs.trim()] : []), ...runs(s.pipeline)]);
}

describe('uses: resolution', () => {
  const dir = pipelineDir({ 'local/greet': GREET, 'local/inner': INNER, 'autoconf/make': 'pipeline:\n  - runs: echo mine\n' });

  it('expands a --pipeline-dir definition with inputs substituted, defaults applied and nested uses: resolved', async () => {
    const { config } = await load(`${HEAD}pipeline:\n  - uses: local/greet\n    with:\n      who: world\n`, [dir]);
    const step = config.pipeline[0]!;
    expect(step.uses).toBe('local/greet');
    expect(runs(config.pipeline)).toEqual(['echo "hello, world" > greeting.txt', 'echo leaving', 'echo "world" > inner.txt']);
    expect(step.pipeline[1]!.if).toBe("'hello' == 'bye'");
    expect(step.needs).toEqual(['busybox', 'dash']);
    expect(step.pipeline[2]!.needs).toEqual(['inner-tool']);
  });

  it('searches the --pipeline-dir directories before the built-in pipelines', async () => {
    const { config } = await load(`${HEAD}pipeline:\n  - uses: autoconf/make\n`, [dir]);
    expect(runs(config.pipeline)).toEqual(['echo mine']);
  });

  it('refuses an unknown input naming the pipeline file and the input', async () => {
    const err = await loadError(`${HEAD}pipeline:\n  - uses: local/greet\n    with:\n      who: a\n      whom: b\n`, [dir]);
    expect(err.message).toBe(
      `${err.file}:8:7: pipeline[0].with.whom: pipeline local/greet (${join(dir, 'local/greet.yaml')}) has no input "whom" (inputs: who, greeting, shell)`,
    );
  });

  it('refuses a step that leaves out a required input', async () => {
    const err = await loadError(`${HEAD}pipeline:\n  - uses: local/greet\n`, [dir]);
    expect(err.message).toContain(':5:11: pipeline[0].uses: pipeline local/greet');
    expect(err.message).toContain('needs input "who", and with: does not give it');
  });

  it('refuses a checksum that is not hex of the right length', async () => {
    const err = await loadError(`${HEAD}pipeline:\n  - uses: fetch\n    with:\n      uri: http://127.0.0.1/x.tar.gz\n      expected-sha256: abc\n`);
    expect(err.message).toContain('pipeline[0].with.expected-sha256: pipeline fetch: expected-sha256 "abc" is not 64 hex digits');
  });

  it('refuses a definition that uses an input it does not declare, naming it', async () => {
    const bad = pipelineDir({ broken: 'pipeline:\n  - runs: echo ${{inputs.nope}}\n' });
    const err = await loadError(`${HEAD}pipeline:\n  - uses: broken\n`, [bad]);
    expect(err.message).toContain(`pipeline broken (${join(bad, 'broken.yaml')}): pipeline[0] uses \${{inputs.nope}}, which the pipeline does not declare`);
  });

  it('refuses uses: with .. naming no pipeline directory escape', async () => {
    const err = await loadError(`${HEAD}pipeline:\n  - uses: ../etc/passwd\n`, [dir]);
    expect(err.message).toContain('is not a pipeline name');
  });

  it('refuses a definition that uses itself', async () => {
    const loop = pipelineDir({ loop: 'pipeline:\n  - uses: loop\n' });
    const err = await loadError(`${HEAD}pipeline:\n  - uses: loop\n`, [loop]);
    expect(err.message).toContain('nests pipelines more than 16 deep');
  });

  it('runs an expanded pipeline in a build, the inputs reaching the files', async () => {
    const p = makeProject(`${HEAD}pipeline:\n  - uses: local/greet\n    with:\n      who: builder\n  - runs: mkdir -p \${{targets.destdir}} && cp greeting.txt inner.txt \${{targets.destdir}}/\n`);
    const r = await melangeBuild({ configPath: p.config, outDir: p.outDir, log: p.log, pipelineDirs: [dir], runner: 'host' });
    const files = readPackage(r.packages[0]!.path).dataEntries;
    expect(files.find((e) => e.name === 'greeting.txt')?.data.toString()).toBe('hello, builder\n');
    expect(files.find((e) => e.name === 'inner.txt')?.data.toString()).toBe('builder\n');
  });
});
