import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { encodeCompiled, melangeCompile } from './compile';

const TESTDATA = join(__dirname, 'testdata', 'compile');
// Outside any git checkout, so the commit is "unknown" as in the recorded output.
const dir = mkdtempSync(join(tmpdir(), 'melange-compile-'));
cpSync(TESTDATA, dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const compile = (arch: string, file = 'melange.yaml') => melangeCompile({ configPath: join(dir, file), arch, pipelineDirs: [join(dir, 'pipelines')] });

describe('melangeCompile', () => {
  it('writes, byte for byte, what melange v0.58.0 compile wrote for the same file and pipeline directory', async () => {
    // melange-x86_64.json: `melange compile melange.yaml --arch x86_64 --pipeline-dir pipelines`, outside git.
    expect(encodeCompiled(await compile('x86_64'))).toBe(readFileSync(join(TESTDATA, 'melange-x86_64.json'), 'utf8'));
  });

  it('keeps the needs of a step whose condition is false on the step, and leaves them out of the environment', async () => {
    const c = (await compile('x86_64')) as { pipeline: { needs?: { Packages: string[] } }[]; environment: { contents: { packages: string[] } } };
    expect(c.pipeline[3]!.needs).toEqual({ Packages: ['coreutils', 'awk'] });
    expect(c.environment.contents.packages).toEqual(['busybox', 'make', 'coreutils', 'sed', 'coreutils', 'sed']);
  });

  it('accepts the OCI name of the architecture', async () => {
    expect(encodeCompiled(await compile('amd64'))).toBe(encodeCompiled(await compile('x86_64')));
  });

  it('refuses an architecture package.target-architecture leaves out', async () => {
    await expect(compile('aarch64')).rejects.toThrow(ConfigError);
    await expect(compile('aarch64')).rejects.toThrow('package.target-architecture (x86_64) does not include aarch64');
  });

  it('names an undefined substitution with its place', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'package:\n  name: bad\n  version: 1.0.0\n  epoch: 0\npipeline:\n  - runs: echo ${{vars.nope}}\n');
    await expect(compile('x86_64', 'bad.yaml')).rejects.toThrow('pipeline[0].runs: ${{vars.nope}} is not defined');
  });
});
