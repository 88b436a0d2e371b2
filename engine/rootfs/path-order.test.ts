import { describe, expect, it } from 'vitest';
import { orderForDatabase, pathCompare } from './path-order';

describe('pathCompare', () => {
  it.each([
    { a: 'etc/a', aDir: false, b: 'etc/b', bDir: false },
    { a: 'etc/z', aDir: false, b: 'etc/a', bDir: true },
    { a: 'etc', aDir: true, b: 'usr', bDir: true },
    { a: 'top', aDir: false, b: 'etc', bDir: true },
    { a: 'etc/b', aDir: false, b: 'etc/apk/keys/x', bDir: false },
    { a: 'a/b', aDir: false, b: 'a/b/c', bDir: false },
  ])('orders $a before $b', ({ a, aDir, b, bDir }) => {
    expect(pathCompare(a, aDir, b, bDir)).toBeLessThan(0);
    expect(pathCompare(b, bDir, a, aDir)).toBeGreaterThan(0);
  });

  it('compares components by bytes, not locale', () => {
    expect(pathCompare('d/B', false, 'd/a', false)).toBeLessThan(0);
    expect(pathCompare('d/\u00e9', false, 'd/z', false)).toBeGreaterThan(0);
  });

  it('treats equal paths as equal', () => {
    expect(pathCompare('a/b', false, 'a/b', false)).toBe(0);
  });
});

describe('orderForDatabase', () => {
  it('drops entries whose parent directories are not all listed', () => {
    const out = orderForDatabase([
      { name: 'etc', type: 'dir' },
      { name: 'etc/x/y', type: 'file' },
      { name: 'etc/f', type: 'file' },
      { name: 'root-file', type: 'file' },
    ]);
    expect(out.map((e) => e.name)).toEqual(['root-file', 'etc', 'etc/f']);
  });
});
