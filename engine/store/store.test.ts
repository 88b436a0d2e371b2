import * as cacache from 'cacache';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type StoreProblem } from './store';

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

  it('streams an entry in and gives its content file, unread, for a stream out', async () => {
    const store = openStore(dir);
    async function* parts() {
      yield Buffer.from('first ');
      yield Buffer.from('second');
    }
    await store.putStream('blob:v1:x', parts(), { digest: 'd' });
    const file = await store.getFile('blob:v1:x');
    expect(file?.size).toBe(12);
    expect(file?.metadata).toEqual({ digest: 'd' });
    expect((await readFile(file!.path)).toString()).toBe('first second');
    expect(await store.getFile('blob:v1:never')).toBeUndefined();
  });

  it("throws the source's own failure while streaming in, and stores nothing", async () => {
    const problems: StoreProblem[] = [];
    const store = openStore(dir, { onUnavailable: (p) => problems.push(p) });
    async function* failing() {
      yield Buffer.from('part');
      throw new Error('the layer could not be read');
    }
    await expect(store.putStream('blob:v1:y', failing())).rejects.toThrow('the layer could not be read');
    expect(await store.getFile('blob:v1:y')).toBeUndefined();
    expect(problems, 'a failing source is not a failing cache').toEqual([]);
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

  it('reads a cache path that is a file as misses and does not write it, reporting each once with the path and a hint', async () => {
    const file = join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    const problems: StoreProblem[] = [];
    const store = openStore(file, { onUnavailable: (p) => problems.push(p) });
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('b')).toBeUndefined();
    await store.put('a', Buffer.from('x'));
    await store.put('b', Buffer.from('y'));
    expect(problems.map((p) => p.op)).toEqual(['read', 'write']);
    for (const p of problems) {
      expect(p.message).toContain(`the cache ${file} cannot be`);
      expect(p.hint).toMatch(/--cache-dir/);
    }
  });

  it('stops writing after a write fails, so no record is stored without the entries it names', async () => {
    const file = join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    const store = openStore(join(file, 'cache'));
    await store.put('blob', Buffer.from('x'));
    await rm(file);
    await store.put('record', Buffer.from('names blob'));
    expect(await store.get('record')).toBeUndefined();
  });

  it('streams content in before its name is known and files it under the name asked for at the end, leaving no provisional entry', async () => {
    const store = openStore(dir);
    let seen = '';
    async function* parts() {
      for (const p of ['named ', 'after ', 'the end']) {
        seen += p;
        yield Buffer.from(p);
      }
    }
    const file = await store.putStreamNamed(parts(), () => `blob:v1:${seen.length}`);
    expect(file?.size).toBe(19);
    expect((await readFile(file!.path)).toString()).toBe('named after the end');
    expect((await store.getFile('blob:v1:19'))?.path).toBe(file!.path);
    const keys = Object.keys(await cacache.ls(dir));
    expect(keys).toEqual(['blob:v1:19']);
  });

  it('leaves the source unread and returns undefined when the cache cannot be written', async () => {
    const file = join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    const store = openStore(join(file, 'cache'));
    await store.put('probe', Buffer.from('x'));
    let read = false;
    async function* parts() {
      read = true;
      yield Buffer.from('x');
    }
    expect(await store.putStreamNamed(parts(), () => 'blob:v1:z')).toBeUndefined();
    expect(read).toBe(false);
  });
});
