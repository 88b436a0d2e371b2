import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
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
});
