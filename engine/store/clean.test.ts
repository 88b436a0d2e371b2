import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanCache } from './clean';

describe('cleanCache', () => {
  it('reports the size and keeps everything on a dry run, then removes the directory', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'clean-')), 'cache');
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    writeFileSync(join(dir, 'a', 'x'), Buffer.alloc(100));
    writeFileSync(join(dir, 'a', 'b', 'y'), Buffer.alloc(23));
    expect(await cleanCache(dir, { dryRun: true })).toEqual({ dir, bytes: 123, removed: false });
    expect(existsSync(join(dir, 'a', 'x'))).toBe(true);
    expect(await cleanCache(dir)).toEqual({ dir, bytes: 123, removed: true });
    expect(existsSync(dir)).toBe(false);
  });

  it('does nothing for a cache that does not exist', async () => {
    const dir = join(tmpdir(), `clean-none-${process.pid}`);
    expect(await cleanCache(dir)).toEqual({ dir, bytes: 0, removed: false });
  });
});
