import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitTogether, stageDir, stageFile, sweepStale, type Staged } from './commit';
import { stageDirInside } from './replace-inside';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'commit-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const read = (p: string) => readFileSync(p, 'utf8');

/** A pid that belonged to a process that has ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

/** A staged output whose commit fails, as a rename onto a vanished file system would. */
const failingCommit = (target: string): Staged => ({
  target,
  commit: () => Promise.reject(Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' })),
  rollback: async () => {},
  finish: async () => {},
  discard: async () => {},
});

describe('commitTogether', () => {
  it('puts a directory and files in place together, leaving no temporaries', async () => {
    const out = join(root, 'out');
    await commitTogether([() => stageDir(out, async (d) => writeFileSync(join(d, 'index.json'), 'new')), () => stageFile(join(root, 'sbom.json'), 'doc')]);
    expect(read(join(out, 'index.json'))).toBe('new');
    expect(read(join(root, 'sbom.json'))).toBe('doc');
    expect(readdirSync(root).sort()).toEqual(['out', 'sbom.json']);
  });

  it('leaves every previous output as it was when a later output cannot be staged', async () => {
    mkdirSync(join(root, 'out'));
    writeFileSync(join(root, 'out', 'index.json'), 'old');
    writeFileSync(join(root, 'sbom.json'), 'old doc');
    const broken = async () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    await expect(
      commitTogether([() => stageDir(join(root, 'out'), async (d) => writeFileSync(join(d, 'index.json'), 'new')), () => stageFile(join(root, 'sbom.json'), 'new doc'), broken]),
    ).rejects.toThrow('ENOSPC');
    expect(read(join(root, 'out', 'index.json'))).toBe('old');
    expect(read(join(root, 'sbom.json'))).toBe('old doc');
    expect(readdirSync(root).sort()).toEqual(['out', 'sbom.json']);
  });

  it('puts back the outputs already committed when a later commit fails', async () => {
    mkdirSync(join(root, 'out'));
    writeFileSync(join(root, 'out', 'index.json'), 'old');
    writeFileSync(join(root, 'sbom.json'), 'old doc');
    await expect(
      commitTogether([
        () => stageDir(join(root, 'out'), async (d) => writeFileSync(join(d, 'index.json'), 'new')),
        () => stageFile(join(root, 'sbom.json'), 'new doc'),
        async () => failingCommit(join(root, 'other')),
      ]),
    ).rejects.toThrow('EIO');
    expect(read(join(root, 'out', 'index.json'))).toBe('old');
    expect(readdirSync(join(root, 'out'))).toEqual(['index.json']);
    expect(read(join(root, 'sbom.json'))).toBe('old doc');
    expect(readdirSync(root).sort()).toEqual(['out', 'sbom.json']);
  });

  it('lets the last of two concurrent writers of one directory win, whole', async () => {
    const out = join(root, 'out');
    const write = (tag: string) => commitTogether([() => stageDir(out, async (d) => {
      for (let i = 0; i < 20; i++) writeFileSync(join(d, `f${i}`), tag);
    })]);
    await Promise.all([write('a'), write('b'), write('a'), write('b')]);
    const contents = new Set(readdirSync(out).map((n) => read(join(out, n))));
    expect(readdirSync(out)).toHaveLength(20);
    expect(contents.size).toBe(1);
    expect(readdirSync(root)).toEqual(['out']);
  });
});

describe('stageFile', () => {
  it('refuses to replace a directory standing where the file goes, and leaves it', async () => {
    mkdirSync(join(root, 'sbom.json'));
    writeFileSync(join(root, 'sbom.json', 'keep'), 'x');
    await expect(stageFile(join(root, 'sbom.json'), 'doc')).rejects.toMatchObject({ code: 'EISDIR' });
    expect(read(join(root, 'sbom.json', 'keep'))).toBe('x');
    expect(readdirSync(root)).toEqual(['sbom.json']);
  });
});

describe('sweepStale', () => {
  it("removes a killed writer's temporaries and keeps a live writer's", async () => {
    const dead = deadPid();
    writeFileSync(join(root, `.a.tar.tmp-${dead}-0123456789ab`), 'half');
    writeFileSync(join(root, `.a.tar.tmp-${process.pid}-0123456789ab`), 'mine');
    writeFileSync(join(root, `.b.tar.tmp-${dead}-0123456789ab`), 'another output');
    await sweepStale(join(root, 'a.tar'));
    expect(readdirSync(root).sort()).toEqual([`.a.tar.tmp-${process.pid}-0123456789ab`, `.b.tar.tmp-${dead}-0123456789ab`]);
  });

  it('puts back a previous output a writer set aside just before it was killed', async () => {
    const old = join(root, `.out.old-${deadPid()}-0123456789ab`);
    mkdirSync(old);
    writeFileSync(join(old, 'index.json'), 'previous');
    await sweepStale(join(root, 'out'));
    expect(read(join(root, 'out', 'index.json'))).toBe('previous');
    expect(readdirSync(root)).toEqual(['out']);
  });
});

describe('stageDirInside', () => {
  const previous = () => {
    const out = join(root, 'out');
    mkdirSync(join(out, 'blobs'), { recursive: true });
    writeFileSync(join(out, 'blobs', 'old'), 'old blob');
    writeFileSync(join(out, 'blobs', 'shared'), 'shared');
    writeFileSync(join(out, 'index.json'), 'old index');
    return out;
  };
  const next = async (d: string) => {
    mkdirSync(join(d, 'blobs'));
    writeFileSync(join(d, 'blobs', 'new'), 'new blob');
    writeFileSync(join(d, 'blobs', 'shared'), 'shared');
    writeFileSync(join(d, 'index.json'), 'new index');
  };

  it('replaces the contents in place and removes what the new tree does not have', async () => {
    const out = previous();
    await commitTogether([() => stageDirInside(out, next, { last: ['index.json'] })]);
    expect(readdirSync(join(out, 'blobs')).sort()).toEqual(['new', 'shared']);
    expect(read(join(out, 'index.json'))).toBe('new index');
    expect(readdirSync(out).sort()).toEqual(['blobs', 'index.json']);
  });

  it('leaves the directory exactly as it was when a later output fails', async () => {
    const out = previous();
    await expect(commitTogether([() => stageDirInside(out, next, { last: ['index.json'] }), async () => failingCommit(join(root, 'x'))])).rejects.toThrow('EIO');
    expect(readdirSync(join(out, 'blobs')).sort()).toEqual(['old', 'shared']);
    expect(read(join(out, 'index.json'))).toBe('old index');
    expect(readdirSync(out).sort()).toEqual(['blobs', 'index.json']);
  });

  it('removes the stage a killed writer left inside', async () => {
    const out = previous();
    mkdirSync(join(out, `.apko-nx-stage-${deadPid()}-0123456789ab`, 'tree'), { recursive: true });
    await commitTogether([() => stageDirInside(out, next, { last: ['index.json'] })]);
    expect(readdirSync(out).sort()).toEqual(['blobs', 'index.json']);
    expect(existsSync(join(out, 'blobs', 'old'))).toBe(false);
  });
});
