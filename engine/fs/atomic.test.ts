import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutputError } from '../errors';
import { copyFileSynced, replaceDirAtomic, writeFileAtomic } from './atomic';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'atomic-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes a new file and leaves no temporary behind', async () => {
    const path = join(root, 'index.json');
    expect(await writeFileAtomic(path, '{"a":1}')).toBe(7);
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}');
    expect(readdirSync(root)).toEqual(['index.json']);
  });

  it('replaces an existing file with the streamed chunks', async () => {
    const path = join(root, 'blob');
    writeFileSync(path, 'old');
    async function* chunks() {
      yield Buffer.from('new ');
      yield Buffer.from('bytes');
    }
    await writeFileAtomic(path, chunks());
    expect(readFileSync(path, 'utf8')).toBe('new bytes');
  });

  it('keeps the previous file and removes the temporary when the source fails midway', async () => {
    const path = join(root, 'blob');
    writeFileSync(path, 'previous');
    async function* failing() {
      yield Buffer.from('partial');
      throw new Error('source broke');
    }
    await expect(writeFileAtomic(path, failing())).rejects.toThrow('source broke');
    expect(readFileSync(path, 'utf8')).toBe('previous');
    expect(readdirSync(root)).toEqual(['blob']);
  });
});

describe('replaceDirAtomic', () => {
  it('creates the directory from what build wrote', async () => {
    const out = join(root, 'out');
    await replaceDirAtomic(out, async (tmp) => writeFileSync(join(tmp, 'a'), 'A'));
    expect(readdirSync(out)).toEqual(['a']);
    expect(readdirSync(root)).toEqual(['out']);
  });

  it('swaps out the previous directory entirely when build succeeds', async () => {
    const out = join(root, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'stale'), 'x');
    await replaceDirAtomic(out, async (tmp) => writeFileSync(join(tmp, 'fresh'), 'y'));
    expect(readdirSync(out)).toEqual(['fresh']);
    expect(readdirSync(root)).toEqual(['out']);
  });

  it('leaves the previous directory intact and cleans up when build throws midway', async () => {
    const out = join(root, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'keep'), 'old');
    await expect(
      replaceDirAtomic(out, async (tmp) => {
        writeFileSync(join(tmp, 'half'), 'written');
        throw new Error('build failed');
      }),
    ).rejects.toThrow('build failed');
    expect(readFileSync(join(out, 'keep'), 'utf8')).toBe('old');
    expect(existsSync(join(out, 'half'))).toBe(false);
    expect(readdirSync(root)).toEqual(['out']);
  });

  it('creates missing parent directories of the destination', async () => {
    const out = join(root, 'a', 'b', 'out');
    await replaceDirAtomic(out, async () => {});
    expect(readdirSync(join(root, 'a', 'b'))).toEqual(['out']);
  });
});

describe('writeFileAtomic failures', () => {
  it('names the path asked for, with the reason and a hint, when the file system refuses', async () => {
    writeFileSync(join(root, 'file'), 'x');
    const path = join(root, 'file', 'apko.lock.json');
    const err = await writeFileAtomic(path, 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutputError);
    expect(err).toMatchObject({ file: path, message: `cannot write ${path}: a component of the path is a file, not a directory` });
    expect((err as OutputError).hint).toMatch(/\S/);
  });
});

describe('copyFileSynced', () => {
  it('copies the bytes with the mode asked for, and never over an existing file', async () => {
    const from = join(root, 'from');
    writeFileSync(from, Buffer.alloc(3 << 20, 7), { mode: 0o444 });
    await copyFileSynced(from, join(root, 'to'));
    expect(readFileSync(join(root, 'to')).equals(readFileSync(from))).toBe(true);
    expect(statSync(join(root, 'to')).mode & 0o777).toBe(0o644);
    writeFileSync(join(root, 'taken'), 'mine');
    await expect(copyFileSynced(from, join(root, 'taken'))).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(join(root, 'taken'), 'utf8')).toBe('mine');
  });
});
