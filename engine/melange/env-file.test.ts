import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { parseEnvFile } from './env-file';

describe('--env-file (dotenv, as melange reads it)', () => {
  it('reads KEY=VALUE lines, comments, export, quotes and KEY: VALUE', () => {
    const text = [
      '# a comment',
      '',
      'PLAIN=value',
      'export EXPORTED=yes',
      'SPACED = padded  ',
      "SINGLE='kept $as \\n written'",
      'DOUBLE="line\\nbreak \\"quoted\\""',
      'INLINE=before # after',
      'HASH=a#b',
      'COLON: colon',
      'EMPTY=',
    ].join('\n');
    expect(parseEnvFile(text, 'x.env')).toEqual({
      PLAIN: 'value',
      EXPORTED: 'yes',
      SPACED: 'padded',
      SINGLE: 'kept $as \\n written',
      DOUBLE: 'line\nbreak "quoted"',
      INLINE: 'before',
      HASH: 'a#b',
      COLON: 'colon',
      EMPTY: '',
    });
  });

  it('refuses a line that is no assignment, naming the file and line', () => {
    expect(() => parseEnvFile('A=1\njust words\n', 'x.env')).toThrow(ConfigError);
    expect(() => parseEnvFile('A=1\njust words\n', 'x.env')).toThrow('x.env:2: "just words" is not KEY=VALUE');
    expect(() => parseEnvFile('B="open\n', 'y.env')).toThrow('y.env:1: an unterminated double-quoted value');
  });
});
