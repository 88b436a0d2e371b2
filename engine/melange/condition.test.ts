import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { evaluateCondition } from './condition';

const where = { file: 'melange.yaml', path: 'pipeline[0].if' };

describe('evaluateCondition', () => {
  it.each([
    ["'x86_64' == 'x86_64'", true],
    ["'x86_64' == 'aarch64'", false],
    ["'a' != 'b'", true],
    ['"a" != "a"', false],
    ["'a' == 'a' && 'b' == 'c'", false],
    ["'a' == 'a' || 'b' == 'c'", true],
    ["'a' == 'b' || 'b' == 'b' && 'c' == 'd'", false],
    ["('a' == 'b' || 'b' == 'b') && 'c' == 'c'", true],
    ["  'spaced'=='spaced'  ", true],
    ["'' == ''", true],
  ])('evaluates %s to %s', (expr, want) => {
    expect(evaluateCondition(expr, where)).toBe(want);
  });

  it.each([
    ["x86_64 == 'x86_64'", 'unexpected "x86_64"'],
    ["'a' = 'a'", 'unexpected "="'],
    ["'a' == ", 'expected a string at the end'],
    ["('a' == 'a'", 'missing ")"'],
    ["'a' == 'a' 'b'", 'unexpected "b"'],
    ["'open == 'x'", `unexpected "x'" at column 11`],
    ['', 'the condition is empty'],
  ])('refuses %j with a ConfigError saying %s', (expr, why) => {
    let err: unknown;
    try {
      evaluateCondition(expr, where);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('ECONFIG');
    expect((err as ConfigError).message).toContain(`melange.yaml: pipeline[0].if: cannot evaluate "${expr}": `);
    expect((err as ConfigError).message).toContain(why);
  });
});
