import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ApkoError, FormatError, LimitError } from '../errors';
import { gzipMember, readMember, splitMembers } from './gzip-members';

function thrown(fn: () => unknown): ApkoError {
  try {
    fn();
  } catch (e) {
    return e as ApkoError;
  }
  throw new Error('expected a throw');
}

describe('readMember', () => {
  const two = Buffer.concat([gzipMember(Buffer.from('first')), gzipMember(Buffer.from('second'))]);

  it('reports each member to the byte, and its content', () => {
    const [a, b] = splitMembers(two);
    expect(a!.content.toString()).toBe('first');
    expect(b!.content.toString()).toBe('second');
    expect(a!.end).toBe(b!.start);
    expect(b!.end).toBe(two.length);
  });

  it('stops a member at its limit with a LimitError carrying the caller’s hint', () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    const err = thrown(() => readMember(bomb, 0, { maxMemberSize: 1024 * 1024, subject: 'bomb', limitHint: 'raise --max-it' }));
    expect(err).toBeInstanceOf(LimitError);
    expect(err.message).toBe('bomb: a gzip member inflates to more than 1048576 bytes');
    expect(err.hint).toBe('raise --max-it');
  });

  it.each([
    ['bytes that are not gzip', Buffer.from('<html>')],
    ['a member cut short in its deflate stream', two.subarray(0, 20)],
    ['a member cut short in its trailer', gzipMember(Buffer.from('first')).subarray(0, 22)],
    ['a header cut short', Buffer.from([0x1f, 0x8b, 8, 0x08, 0, 0, 0, 0, 0, 0xff, 0x41])],
    ['a wrong CRC', (() => { const b = Buffer.from(gzipMember(Buffer.from('x'))); b[b.length - 8] ^= 1; return b; })()],
  ])('refuses %s with a FormatError that says what to do', (_what, bytes) => {
    const err = thrown(() => readMember(bytes, 0, { subject: 'f.apk' }));
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toMatch(/^f\.apk: /);
    expect(err.hint).toMatch(/\S/);
  });
});
