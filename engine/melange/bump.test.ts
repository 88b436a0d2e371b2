import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { melangeBump } from './bump';

const dir = mkdtempSync(join(tmpdir(), 'melange-bump-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SHA = (c: string) => c.repeat(64);
const COMMIT = (c: string) => c.repeat(40);

const CONFIG = `# leading comment
package:
  name: b
  version: 1.2.3
  epoch: 3   # keep me
  description: bump me
  copyright:
    - license: MIT
vars:
  tagv: fixed
pipeline:
  - uses: fetch
    with:
      uri: https://example.com/b-\${{package.version}}.tar.gz
      expected-sha256: ${SHA('a')}
  - uses: git-checkout
    with:
      repository: https://example.com/b.git
      tag: v\${{package.version}}
      expected-commit: ${COMMIT('1')}
  - uses: git-checkout
    with:
      repository: https://example.com/other.git
      tag: \${{vars.tagv}}
      expected-commit: ${COMMIT('2')}
  - runs: echo hi
`;

function file(name: string, text = CONFIG): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('melangeBump', () => {
  it('sets the version (quoted), resets the epoch and replaces the expected-commit of the checkout that follows the version, editing nothing else', async () => {
    const p = file('a.yaml');
    chmodSync(p, 0o640);
    const r = await melangeBump({ configPath: p, version: '1.2.4', expectedCommit: COMMIT('3') });
    expect(r).toEqual({
      version: '1.2.4',
      epoch: 0,
      commits: ['pipeline[1].with.expected-commit'],
      staleFetches: [{ path: 'pipeline[0]', uri: 'https://example.com/b-1.2.4.tar.gz' }],
    });
    expect(readFileSync(p, 'utf8')).toBe(CONFIG.replace('version: 1.2.3', 'version: "1.2.4"').replace('epoch: 3 ', 'epoch: 0 ').replace(COMMIT('1'), COMMIT('3')));
    expect(statSync(p).mode & 0o777).toBe(0o640);
  });

  it('raises the epoch by one when the version stays the same, as melange does', async () => {
    const p = file('same.yaml');
    expect((await melangeBump({ configPath: p, version: '1.2.3' })).epoch).toBe(4);
    expect(readFileSync(p, 'utf8')).toContain('epoch: 4   # keep me');
    expect(readFileSync(p, 'utf8')).toContain(`expected-commit: ${COMMIT('1')}`);
  });

  it('replaces the expected-commit of a lone checkout whatever its tag', async () => {
    const lone = CONFIG.replace(/  - uses: git-checkout\n    with:\n      repository: https:\/\/example.com\/b.git[\s\S]*?expected-commit: 1+\n/, '');
    const p = file('lone.yaml', lone);
    expect((await melangeBump({ configPath: p, version: '2.0.0', expectedCommit: COMMIT('4') })).commits).toEqual(['pipeline[1].with.expected-commit']);
    expect(readFileSync(p, 'utf8')).toContain(`expected-commit: ${COMMIT('4')}`);
  });

  it.each([
    ['1.2.4-r1', 'is not an APK version without a release suffix'],
    ['not a version', 'is not an APK version'],
  ])('refuses the version %s and leaves the file alone', async (version, message) => {
    const p = file('bad.yaml');
    await expect(melangeBump({ configPath: p, version })).rejects.toThrow(message);
    expect(readFileSync(p, 'utf8')).toBe(CONFIG);
  });

  it('refuses a commit that is not 40 hex digits, and a file without package.epoch', async () => {
    const p = file('c.yaml');
    await expect(melangeBump({ configPath: p, version: '1.3', expectedCommit: 'abc' })).rejects.toThrow('--expected-commit abc is not a full commit id (40 hex digits)');
    const q = file('noepoch.yaml', CONFIG.replace('  epoch: 3   # keep me\n', ''));
    await expect(melangeBump({ configPath: q, version: '1.3' })).rejects.toThrow('package.epoch is not written in the file');
    expect(readFileSync(p, 'utf8')).toBe(CONFIG);
  });
});
