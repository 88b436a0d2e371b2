import { describe, expect, it } from 'vitest';
import { FormatError } from '../errors';
import { dependencyMatches, formatDependency, parseDependency, parseProvides } from './dependency';

describe('parseDependency', () => {
  describe('valid atoms', () => {
    it.each([
      ['busybox', { name: 'busybox', conflict: false }],
      ['name=1.2-r0', { name: 'name', op: '=', opText: '=', version: '1.2-r0', conflict: false }],
      ['name>1', { name: 'name', op: '>', opText: '>', version: '1', conflict: false }],
      ['name>=1', { name: 'name', op: '>=', opText: '>=', version: '1', conflict: false }],
      ['name<2', { name: 'name', op: '<', opText: '<', version: '2', conflict: false }],
      ['name<=2', { name: 'name', op: '<=', opText: '<=', version: '2', conflict: false }],
      ['name~1.2', { name: 'name', op: '~', opText: '~', version: '1.2', conflict: false }],
      ['name=~1.2', { name: 'name', op: '~', opText: '=~', version: '1.2', conflict: false }],
      ['!name', { name: 'name', conflict: true }],
      ['!name<2', { name: 'name', op: '<', opText: '<', version: '2', conflict: true }],
      ['name@edge', { name: 'name', conflict: false, tag: 'edge' }],
      ['name>=1@edge', { name: 'name', op: '>=', opText: '>=', version: '1', conflict: false, tag: 'edge' }],
      ['so:libc.musl-x86_64.so.1', { name: 'so:libc.musl-x86_64.so.1', conflict: false }],
      ['so:libc.musl-x86_64.so.1=1', { name: 'so:libc.musl-x86_64.so.1', op: '=', opText: '=', version: '1', conflict: false }],
      ['cmd:busybox', { name: 'cmd:busybox', conflict: false }],
      ['pc:zlib>=1.2', { name: 'pc:zlib', op: '>=', opText: '>=', version: '1.2', conflict: false }],
      ['/bin/sh', { name: '/bin/sh', conflict: false }],
      ['py3.10-foo_bar+baz', { name: 'py3.10-foo_bar+baz', conflict: false }],
    ])('reads %s', (atom, want) => {
      expect(parseDependency(atom)).toEqual({ ...want, raw: atom });
    });

    it.each([
      'busybox',
      'name=1.2-r0',
      'name>1',
      'name>=1',
      'name<2',
      'name<=2',
      'name~1.2',
      'name=~1.2',
      '!name',
      '!name>=2_rc1',
      'name@edge',
      'name>=1@edge',
      'so:libc.musl-x86_64.so.1',
      '/bin/sh',
    ])('writes %s back unchanged', (atom) => {
      expect(formatDependency(parseDependency(atom))).toBe(atom);
    });
  });

  describe('malformed atoms', () => {
    it.each([
      ['', 'the name is empty'],
      ['!', 'the name is empty'],
      ['=1.0', 'it does not have the form'],
      ['name=', '"" is not a valid version'],
      ['name>=x', '"x" is not a valid version'],
      ['name==1', 'unknown operator "=="'],
      ['name=>1', 'unknown operator "=>"'],
      ['name<>1', 'unknown operator "<>"'],
      ['name~=1', 'unknown operator "~="'],
      ['na me', 'it contains whitespace'],
      ['name@', 'it does not have the form'],
      ['name@ed ge', 'it contains whitespace'],
      ['!!name', 'it does not have the form'],
      ['name@a@b', 'it does not have the form'],
    ])('rejects %j because %s', (atom, why) => {
      let err: unknown;
      try {
        parseDependency(atom, 'world');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(FormatError);
      expect((err as FormatError).code).toBe('EFORMAT');
      expect((err as FormatError).message).toContain(`malformed dependency ${JSON.stringify(atom)} in world: ${why}`);
    });

    it('names the atom and suggests the form in the hint', () => {
      const err = (() => {
        try {
          parseDependency('foo=>1');
        } catch (e) {
          return e as FormatError;
        }
      })();
      expect(err?.message).toBe('malformed dependency "foo=>1": unknown operator "=>"');
      expect(err?.hint).toBe('write it as [!]name[op version][@tag] with op one of = < <= > >= ~ =~');
    });
  });
});

describe('parseProvides', () => {
  it.each([
    ['cmd:busybox=1.35.0-r17', { name: 'cmd:busybox', version: '1.35.0-r17' }],
    ['so:libc.musl-x86_64.so.1=1', { name: 'so:libc.musl-x86_64.so.1', version: '1' }],
    ['so:libpython3.so=0', { name: 'so:libpython3.so', version: '0' }],
    ['/bin/sh', { name: '/bin/sh' }],
    ['cmd:[', { name: 'cmd:[' }],
  ])('reads %s', (p, want) => expect(parseProvides(p)).toEqual(want));

  it.each(['', '=1', 'foo=', 'foo=bar', 'foo>=1', 'a b'])('rejects %j', (p) => {
    expect(() => parseProvides(p, 'busybox-1.35.0-r17')).toThrow(FormatError);
    expect(() => parseProvides(p, 'busybox-1.35.0-r17')).toThrow(/malformed provides .* in busybox-1\.35\.0-r17/);
  });
});

describe('dependencyMatches', () => {
  it.each([
    ['busybox', 'busybox', '1.35.0-r17', true],
    ['busybox', 'busybox', undefined, true],
    ['busybox', 'musl', '1.2', false],
    ['busybox<1.35', 'busybox', '1.35.0-r17', false],
    ['busybox>=1.35', 'busybox', '1.35.0-r17', true],
    ['busybox~1.35', 'busybox', '1.35.0-r17', true],
    ['busybox=~1.36', 'busybox', '1.35.0-r17', false],
    ['so:libc.musl-x86_64.so.1>=1', 'so:libc.musl-x86_64.so.1', '1', true],
    ['/bin/sh>=1', '/bin/sh', undefined, false], // a virtual provide has no version to compare
    ['!foo', 'foo', '1.0', true], // the conflict flag is not applied here
    ['!foo<2', 'foo', '2.0', false],
    ['foo@edge', 'foo', '1.0', true],
  ] as const)('%s against %s %s is %s', (atom, name, version, want) => {
    expect(dependencyMatches(parseDependency(atom), name, version)).toBe(want);
  });
});
