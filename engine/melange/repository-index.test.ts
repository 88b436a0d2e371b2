import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readApkIndex } from '../apk/index-read';
import { generateKeyPair } from '../apk/keys';
import { writeLocalRepository } from '../example/local-repository';
import { melangeIndex } from './repository';

const dir = mkdtempSync(join(tmpdir(), 'melange-index-'));
const key = generateKeyPair('idx', 2048);
let x86: string[] = [];
let arm: string[] = [];

beforeAll(async () => {
  const packages = ['one', 'two'].map((name) => ({ name, version: '1.0-r0', files: [{ path: `usr/share/${name}`, type: 'file' as const, mode: 0o644, data: `${name}\n` }] }));
  await writeLocalRepository(join(dir, 'repo'), { key, archs: ['x86_64', 'aarch64'], packages });
  x86 = ['one', 'two'].map((n) => join(dir, 'repo', 'x86_64', `${n}-1.0-r0.apk`));
  arm = ['one', 'two'].map((n) => join(dir, 'repo', 'aarch64', `${n}-1.0-r0.apk`));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const names = (file: string) => readApkIndex(readFileSync(file), { ignoreSignatures: true }).entries.map((e) => `${e.name}:${e.arch}`);

describe('melangeIndex --arch and --source', () => {
  it('indexes only the packages of the expected architecture and reports the others', async () => {
    const output = join(dir, 'arch.tar.gz');
    const r = await melangeIndex({ output, apks: [...x86, arm[0]!], arch: 'x86_64' });
    expect(r).toEqual({ output, count: 2, skipped: ['one-1.0-r0: aarch64'] });
    expect(names(output)).toEqual(['one:x86_64', 'two:x86_64']);
  });

  it('merges the entries of the --source index into the output, keeping its description', async () => {
    const output = join(dir, 'merged.tar.gz');
    const source = join(dir, 'source.tar.gz');
    copyFileSync(join(dir, 'repo', 'aarch64', 'APKINDEX.tar.gz'), source);
    await melangeIndex({ output, apks: [x86[0]!], merge: true, source });
    // An entry is replaced by name and version, as melange matches them: one's x86_64 entry replaces its aarch64 one.
    expect(names(output)).toEqual(['one:x86_64', 'two:aarch64']);
    expect(readApkIndex(readFileSync(output), { ignoreSignatures: true }).description).toBe('local repository');
    // Without merge the source is not read.
    await melangeIndex({ output, apks: [x86[0]!], source });
    expect(names(output)).toEqual(['one:x86_64']);
  });

  it('treats a missing --source as an empty index, as melange does', async () => {
    const output = join(dir, 'fresh.tar.gz');
    await melangeIndex({ output, apks: [x86[1]!], merge: true, source: join(dir, 'absent.tar.gz') });
    expect(names(output)).toEqual(['two:x86_64']);
  });
});
