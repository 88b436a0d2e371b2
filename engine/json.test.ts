import { describe, expect, it } from 'vitest';
import { encodeJson, quote } from './json';

describe('quote', () => {
  it.each([
    ['plain', '"plain"'],
    ['a<b>&c', '"a\\u003cb\\u003e\\u0026c"'],
    ['q"\\', '"q\\"\\\\"'],
    ['\b\f\n\r\t', '"\\b\\f\\n\\r\\t"'],
    ['\u0000\u001f\u007f', '"\\u0000\\u001f\u007f"'],
    ['\u2028\u2029', '"\\u2028\\u2029"'],
    ['é😀', '"é😀"'],
    ['x\ud800y\udc00', '"x\\ufffdy\\ufffd"'],
  ])('escapes %j as Go does', (input, expected) => {
    expect(quote(input)).toBe(expected);
  });
});

describe('encodeJson', () => {
  it('keeps struct key order, drops undefined fields and sorts map keys bytewise', () => {
    const v = { z: 1, a: undefined, m: new Map([['b', 'x'], ['B', 'y'], ['a.b', 'z']]), e: [], o: {} };
    expect(encodeJson(v)).toBe('{"z":1,"m":{"B":"y","a.b":"z","b":"x"},"e":[],"o":{}}');
  });

  it('lays out indented output like Go MarshalIndent', () => {
    expect(encodeJson({ imageLayoutVersion: '1.0.0' }, { indent: '    ' })).toBe('{\n    "imageLayoutVersion": "1.0.0"\n}');
    expect(encodeJson({ a: [1, 2], b: new Map(), c: true, d: null }, { indent: '  ' })).toBe(
      '{\n  "a": [\n    1,\n    2\n  ],\n  "b": {},\n  "c": true,\n  "d": null\n}',
    );
  });

  it('refuses numbers Go would format differently and integer-like struct keys', () => {
    expect(() => encodeJson(1.5)).toThrow(TypeError);
    expect(() => encodeJson({ '1': 'x' })).toThrow('struct key "1" would be reordered; use a Map');
  });
});
