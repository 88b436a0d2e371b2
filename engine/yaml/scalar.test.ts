import { describe, expect, it } from 'vitest';
import { PlainScalar, resolvePlain } from './scalar';

describe('resolvePlain', () => {
  it.each([
    ['0755', 493],
    ['0o755', 493],
    ['0x1ed', 493],
    ['0b111101101', 493],
    ['755', 755],
    ['1_000', 1000],
    ['+12', 12],
    ['-1', -1],
    ['0', 0],
    ['08', 8], // not octal, so Go's ParseInt fails and go-yaml reads the float 8
    ['1.5', 1.5],
    ['.5', 0.5],
    ['1e3', 1000],
  ])('reads %s as the number %d, as go-yaml v3 does', (text, value) => {
    expect(resolvePlain(text)).toEqual(new PlainScalar(value, text));
  });

  it.each([
    ['true', true],
    ['True', true],
    ['FALSE', false],
  ])('reads %s as a boolean', (text, value) => {
    expect(resolvePlain(text)).toEqual(new PlainScalar(value, text));
  });

  it.each(['~', 'null', 'Null', 'NULL', ''])('reads %j as null', (text) => {
    expect(resolvePlain(text)).toEqual(new PlainScalar(null, text));
  });

  it.each(['yes', 'no', 'on', 'off', 'abc', '0x', '1.2.3', 'x86_64', '/bin/sh -l', '-', '.', '0o8'])(
    'keeps %j a string (YAML 1.1 booleans are strings in go-yaml v3)',
    (text) => {
      expect(resolvePlain(text)).toBe(text);
    },
  );

  it('keeps infinities and NaN as numbers', () => {
    expect((resolvePlain('.inf') as PlainScalar).value).toBe(Infinity);
    expect((resolvePlain('-.Inf') as PlainScalar).value).toBe(-Infinity);
    expect((resolvePlain('.NaN') as PlainScalar).value).toBeNaN();
  });
});
