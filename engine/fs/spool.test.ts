import { closeSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ContentSpool } from './spool';

const parents: string[] = [];
afterEach(() => {
  for (const p of parents.splice(0)) rmSync(p, { recursive: true, force: true });
});
function parent(): string {
  const p = mkdtempSync(join(tmpdir(), 'spool-test-'));
  parents.push(p);
  return p;
}

describe('ContentSpool', () => {
  it('gives back each content exactly, whole and in chunks of at most 1 MiB', () => {
    const spool = new ContentSpool(parent());
    const a = randomBytes(3 * (1 << 20) + 17);
    const b = Buffer.from('second');
    const ha = spool.add(a);
    const hb = spool.add(b);
    expect(spool.size).toBe(a.length + b.length);
    expect(ha.read().equals(a)).toBe(true);
    expect(hb.read().toString()).toBe('second');
    const chunks = [...ha.chunks()];
    expect(chunks.map((c) => c.length)).toEqual([1 << 20, 1 << 20, 1 << 20, 17]);
    expect(Buffer.concat(chunks).equals(a)).toBe(true);
    expect([...spool.add(Buffer.alloc(0)).chunks()]).toEqual([]);
    spool.close();
  });

  it('keeps its file private to the process and removes it on close, after which reading fails', () => {
    const dir = parent();
    const spool = new ContentSpool(dir);
    const h = spool.add(Buffer.from('x'));
    const [name] = readdirSync(dir);
    expect(statSync(join(dir, name!, 'contents')).mode & 0o777).toBe(0o600);
    spool.close();
    expect(existsSync(join(dir, name!))).toBe(false);
    expect(() => h.read()).toThrow('the content spool was closed');
  });

  it('writes in the background: content reads back before and after its write lands, and the file holds every byte once drained', async () => {
    const dir = parent();
    const spool = new ContentSpool(dir);
    const parts = Array.from({ length: 12 }, (_, i) => randomBytes((1 << 20) * 3 + i));
    const handles = parts.map((p) => spool.add(p));
    // Read at once, whatever the writes' progress.
    handles.forEach((h, i) => expect(h.read().equals(parts[i]!)).toBe(true));
    await spool.drained(0);
    const [name] = readdirSync(dir);
    expect(readFileSync(join(dir, name!, 'contents')).equals(Buffer.concat(parts))).toBe(true);
    handles.forEach((h, i) => expect(Buffer.concat([...h.chunks()]).equals(parts[i]!)).toBe(true));
    spool.close();
  });

  it('makes a producer wait while more than the limit is pending, and resolves at once when under it', async () => {
    const spool = new ContentSpool(parent());
    await expect(spool.drained()).resolves.toBeUndefined();
    for (let i = 0; i < 24; i++) spool.add(randomBytes(2 << 20));
    let settled = false;
    const waiting = spool.drained(1 << 20).then(() => (settled = true));
    // Write callbacks come from the event loop, never within this turn's microtasks: more than the limit is still pending here.
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(false);
    await waiting;
    expect(settled).toBe(true);
    spool.close();
  });

  it('reports a write that failed, naming the spool, on the next wait and the next read', async () => {
    const spool = new ContentSpool(parent());
    // The descriptor closed underneath the spool: every write fails.
    closeSync((spool as unknown as { fd: number }).fd);
    const h = spool.add(randomBytes(8192));
    await expect(spool.drained(0)).rejects.toThrow(/content spool in .* could not be written/);
    expect(() => h.read()).toThrow(/could not be written/);
    (spool as unknown as { fd: number | undefined }).fd = undefined;
    spool.close();
  });
});
