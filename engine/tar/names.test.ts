import { describe, expect, it } from 'vitest';
import { controlCharacterIn, decodeUtf8, escapeName } from './names';

describe('escapeName', () => {
  it('shows control and line-breaking characters, quotes and backslashes escaped and keeps printable UTF-8', () => {
    expect(escapeName('a\nb\rc\td\u001b[0m')).toBe('a\\nb\\rc\\td\\x1b[0m');
    expect(escapeName('p\u2028q\u0085r\u0000"\\')).toBe('p\\u2028q\\x85r\\0\\"\\\\');
    expect(escapeName('café/日本語')).toBe('café/日本語');
  });

  it('shows bytes that are not UTF-8 one by one, so different bytes never look alike', () => {
    expect(escapeName(Buffer.from([0x65, 0x74, 0x63, 0x2f, 0xff]))).toBe('etc/\\xff');
    expect(escapeName(Buffer.from([0xfe]))).not.toBe(escapeName(Buffer.from([0xff])));
    expect(escapeName(Buffer.from('é', 'utf8'))).toBe('é');
  });
});

describe('controlCharacterIn', () => {
  it('finds the first control or line-breaking character, escaped, and allows tab and ordinary text', () => {
    expect(controlCharacterIn('usr/bin/x\nP:evil')).toBe('\\n');
    expect(controlCharacterIn('a\fb')).toBe('\\x0c');
    expect(controlCharacterIn('a\u2029b')).toBe('\\u2029');
    expect(controlCharacterIn('a\u009bb')).toBe('\\x9b');
    expect(controlCharacterIn('a\tb c/日本')).toBeUndefined();
  });
});

describe('decodeUtf8', () => {
  it('decodes valid UTF-8 and gives undefined for anything else', () => {
    expect(decodeUtf8(Buffer.from('naïve'))).toBe('naïve');
    expect(decodeUtf8(Buffer.from([0xc3, 0x28]))).toBeUndefined();
  });
});
