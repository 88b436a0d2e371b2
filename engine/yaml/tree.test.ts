import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { PlainScalar } from './scalar';
import { formatPath, parseYamlTree } from './tree';

describe('parseYamlTree', () => {
  it('locates keys and values by YAML path', () => {
    const t = parseYamlTree('contents:\n  packages:\n    - a\n    - b\n', 'x.yaml');
    expect(t.locate(['contents', 'packages', 1])).toEqual({ line: 4, column: 7 });
    expect(t.locate(['contents', 'packages'], 'key')).toEqual({ line: 2, column: 3 });
    // An absent path falls back to its nearest written ancestor.
    expect(t.locate(['contents', 'packages', 7, 'x'])).toEqual({ line: 3, column: 5 });
  });

  it('resolves plain scalars as go-yaml v3 does and keeps quoted ones strings', () => {
    const t = parseYamlTree('a: 0755\nb: "0755"\nc: yes\nd:\ne: !!str 12\n', 'x.yaml');
    expect(t.value).toEqual({ a: new PlainScalar(493, '0755'), b: '0755', c: 'yes', d: new PlainScalar(null, ''), e: '12' });
  });

  it('expands aliases and << merge keys, explicit keys winning', () => {
    const t = parseYamlTree('base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\nlist: [*b]\n', 'x.yaml');
    expect(t.value).toEqual({
      base: { x: new PlainScalar(1, '1'), y: new PlainScalar(2, '2') },
      derived: { y: new PlainScalar(3, '3'), x: new PlainScalar(1, '1') },
      list: [{ x: new PlainScalar(1, '1'), y: new PlainScalar(2, '2') }],
    });
  });

  it('keeps a __proto__ key as data', () => {
    const t = parseYamlTree('environment:\n  __proto__: x\n', 'x.yaml');
    const env = (t.value as { environment: Record<string, unknown> }).environment;
    expect(Object.keys(env)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(env)).toBe(Object.prototype);
  });

  it.each([
    ['a: [1\n', 'x.yaml:2:1: invalid YAML: '],
    ['a: 1\na: 2\n', 'x.yaml:2:1: a: the key "a" is given twice in one mapping (first at line 1, column 1)'],
    ['a: 1\n---\nb: 2\n', 'x.yaml:2:1: invalid YAML: Source contains multiple documents'],
    ['? [a]\n: 1\n', 'x.yaml:1:3: mapping keys must be scalars'],
  ])('turns bad YAML %j into a located ConfigError', (text, prefix) => {
    expect(() => parseYamlTree(text, 'x.yaml')).toThrow(ConfigError);
    expect(() => parseYamlTree(text, 'x.yaml')).toThrow(prefix);
  });

  it('refuses alias bombs', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    expect(() => parseYamlTree(lines.join('\n'), 'bomb.yaml')).toThrow('the document is too large or nests too deeply');
  });
});

describe('formatPath', () => {
  it.each<[(string | number)[], string]>([
    [['contents', 'packages', 2], 'contents.packages[2]'],
    [['stop-signal'], 'stop-signal'],
    [['annotations', 'org.opencontainers.image.title'], 'annotations["org.opencontainers.image.title"]'],
    [[], ''],
  ])('formats %j as %s', (path, text) => {
    expect(formatPath(path)).toBe(text);
  });
});
