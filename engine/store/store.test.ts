import * as cacache from 'cacache';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from './store';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apko-store-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function corrupt(key: string, bytes: Buffer): Promise<void> {
  const info = await cacache.get.info(dir, key);
  await chmod(info!.path, 0o644);
  await writeFile(info!.path, bytes);
}

describe('openStore', () => {
  it('returns what was put, with its metadata', async () => {
    const store = openStore(dir);
    await store.put('index:v1:https://r.example/x86_64/APKINDEX.tar.gz', Buffer.from('index bytes'), { etag: '"abc"' });
    const hit = await store.get('index:v1:https://r.example/x86_64/APKINDEX.tar.gz');
    expect(hit?.data.toString()).toBe('index bytes');
    expect(hit?.metadata).toEqual({ etag: '"abc"' });
    expect(hit?.integrity).toMatch(/^sha512-/);
  });

  it('reports a miss for a key never put', async () => {
    expect(await openStore(dir).get('apk:v1:nothing')).toBeUndefined();
    expect(await openStore(join(dir, 'does-not-exist')).get('apk:v1:nothing')).toBeUndefined();
  });

  it('replaces an entry put again under the same key', async () => {
    const store = openStore(dir);
    await store.put('k', Buffer.from('old'), { etag: '"1"' });
    await store.put('k', Buffer.from('new'), { etag: '"2"' });
    const hit = await store.get('k');
    expect([hit?.data.toString(), hit?.metadata.etag]).toEqual(['new', '"2"']);
  });

  it('stores a view of a larger buffer as exactly its own bytes', async () => {
    const store = openStore(dir);
    const big = Buffer.from('xxhelloyy');
    await store.put('k', big.subarray(2, 7));
    expect((await store.get('k'))?.data.toString()).toBe('hello');
  });

  it('removes a corrupt entry, reports it and returns a miss, then accepts the content again', async () => {
    const reported: string[] = [];
    const store = openStore(dir, { onCorrupt: (key, err) => reported.push(`${key}: ${(err as { code?: string }).code}`) });
    await store.put('apk:v1:k', Buffer.from('the real package bytes'));
    await corrupt('apk:v1:k', Buffer.from('the real package bytez'));
    expect(await store.get('apk:v1:k')).toBeUndefined();
    expect(reported).toEqual(['apk:v1:k: EINTEGRITY']);
    expect(await store.get('apk:v1:k')).toBeUndefined();
    await store.put('apk:v1:k', Buffer.from('the real package bytes'));
    expect((await store.get('apk:v1:k'))?.data.toString()).toBe('the real package bytes');
  });

  it('treats truncated content as corrupt', async () => {
    const store = openStore(dir);
    await store.put('k', Buffer.alloc(4096, 7));
    await corrupt('k', Buffer.alloc(100, 7));
    expect(await store.get('k')).toBeUndefined();
  });

  it('forgets a removed key', async () => {
    const store = openStore(dir);
    await store.put('k', Buffer.from('x'));
    await store.remove('k');
    expect(await store.get('k')).toBeUndefined();
  });
});
