import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { parseLockFile } from '../../engine/format';
import { executorContext, makeExecutorWorkspace } from '../testdata/workspace';
import lockExecutor from './executor';

let root: string;

beforeAll(async () => {
  root = await makeExecutorWorkspace();
});

describe('lock executor', () => {
  it('writes the lock file the target names, pinning the local package', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const result = await lockExecutor({ config: 'app/apko.yaml', lockfile: 'app/apko.lock.json', cacheDir: '.cache' }, executorContext(root, 'app', 'lock'));
    expect(result).toEqual({ success: true });
    const path = join(root, 'app', 'apko.lock.json');
    const lock = parseLockFile(readFileSync(path, 'utf8'), path);
    expect(lock.contents.packages.map((p) => `${p.name}-${p.version}`)).toEqual(['hello-1.0.0-r0']);
  });
});
