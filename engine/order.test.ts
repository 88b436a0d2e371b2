import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareBytes } from './order';

describe('compareBytes', () => {
  it('orders by UTF-8 bytes, as Go sorts map keys', () => {
    expect(['b', 'B', '10', '9', 'é', 'z'].sort(compareBytes)).toEqual(['10', '9', 'B', 'b', 'z', 'é']);
  });

  it('orders characters above U+FFFF after U+FF61, unlike UTF-16 code units', () => {
    expect(['\u{1F600}', '\uFF61'].sort(compareBytes)).toEqual(['\uFF61', '\u{1F600}']);
    expect(['\u{1F600}', '\uFF61'].sort()).toEqual(['\u{1F600}', '\uFF61']);
  });
});

/** Every engine source file except tests and test fixtures. */
function sources(dir: string): string[] {
  return readdirSync(dir)
    .sort(compareBytes)
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return name === 'testdata' ? [] : sources(p);
      return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [p] : [];
    });
}

/** What an order of strings must not be written as: locale order, UTF-16 order, or a hand-made comparator. */
const FORBIDDEN: ReadonlyArray<readonly [string, RegExp]> = [
  ['localeCompare', /\.localeCompare\(/],
  ['a bare .sort() (UTF-16 order)', /\.sort\(\)/],
  ['a hand-made < comparator', /\(\s*\[?(\w+)\]?\s*,\s*\[?(\w+)\]?\s*\)\s*=>\s*\(?\s*\1\s*<\s*\2\s*\?\s*-1/],
  ['a second byte comparator', /Buffer\.compare\(Buffer\.from\(/],
];

describe('engine output order', () => {
  it('sorts strings only through order.ts', () => {
    const engine = __dirname;
    const found: string[] = [];
    for (const file of sources(engine)) {
      if (file === join(engine, 'order.ts')) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (line.trim().startsWith('*') || line.trim().startsWith('//')) return;
          for (const [what, re] of FORBIDDEN) if (re.test(line)) found.push(`${relative(engine, file)}:${i + 1}: ${what}`);
        });
    }
    expect(found).toEqual([]);
  });
});
