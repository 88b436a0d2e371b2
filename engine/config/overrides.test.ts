import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { parseBuildDate, parseSourceDateEpoch } from './build-date';
import { applyOverrides, normalizeOverrides, parseAnnotationFlags, splitFlagList } from './overrides';
import { parseConfigText } from './parse';

describe('splitFlagList', () => {
  it.each<[string | string[] | undefined, string[]]>([
    [undefined, []],
    ['', []],
    ['x86_64', ['x86_64']],
    ['x86_64,aarch64', ['x86_64', 'aarch64']],
    [['x86_64', 'aarch64,ppc64le'], ['x86_64', 'aarch64', 'ppc64le']],
    ['"a,b",c', ['a,b', 'c']],
    ['"say ""hi""",x', ['say "hi"', 'x']],
  ])('splits %j as pflag StringSlice does', (input, expected) => {
    expect(splitFlagList(input)).toEqual(expected);
  });
});

describe('parseAnnotationFlags', () => {
  it('splits each entry on the first colon', () => {
    expect(parseAnnotationFlags(['org.opencontainers.image.source:https://x/y', 'a-b.c:v:w'])).toEqual({
      'a-b.c': 'v:w',
      'org.opencontainers.image.source': 'https://x/y',
    });
  });

  it.each([
    ['Title:x', '--annotations "Title:x": the key "Title" must match ^[a-z0-9-.]+$'],
    ['novalue', '--annotations "novalue": the value is empty'],
    ['k:', '--annotations "k:": the value is empty'],
    [':v', '--annotations ":v": the key "" must match ^[a-z0-9-.]+$'],
  ])('refuses %j', (entry, message) => {
    expect(() => parseAnnotationFlags([entry])).toThrow(ConfigError);
    expect(() => parseAnnotationFlags([entry])).toThrow(message);
  });

  it('refuses a key given twice', () => {
    expect(() => parseAnnotationFlags(['a:1', 'a:2'])).toThrow('--annotations "a:2": the key "a" is given twice');
  });
});

describe('normalizeOverrides', () => {
  it('fills every field', () => {
    expect(normalizeOverrides()).toEqual({
      archs: [],
      ignoreSignatures: false,
      strictProviders: false,
      repositoryAppend: [],
      keyringAppend: [],
      buildRepositoryAppend: [],
      packageAppend: [],
      annotations: {},
      buildDate: undefined,
      format: undefined,
      includePaths: [],
    });
  });

  it('parses the build date and splits comma lists', () => {
    const o = normalizeOverrides({ arch: 'amd64, arm64', packageAppend: 'a,b', buildDate: '1970-01-02T00:00:00Z', format: 'erofs' });
    expect([o.archs, o.packageAppend, o.buildDate, o.format]).toEqual([['amd64', 'arm64'], ['a', 'b'], 86400, 'erofs']);
  });

  it('refuses an unknown --format', () => {
    expect(() => normalizeOverrides({ format: 'squashfs' })).toThrow('--format: unknown layer format "squashfs" (expected one of: tar, erofs)');
  });
});

describe('applyOverrides', () => {
  it('appends lists after the config, lets CLI annotations win and replaces the format', () => {
    const config = parseConfigText('contents: {repositories: [r], keyring: [k], build_repositories: [b], packages: [p]}\nannotations: {x: config, y: kept}\nformat: erofs', 'a.yaml').config;
    const out = applyOverrides(config, normalizeOverrides({ repositoryAppend: 'r2', keyringAppend: 'k2', buildRepositoryAppend: 'b2', packageAppend: 'p2', annotations: 'x:cli', format: 'tar' }));
    expect(out.contents).toMatchObject({ repositories: ['r', 'r2'], keyring: ['k', 'k2'], buildRepositories: ['b', 'b2'], packages: ['p', 'p2'] });
    expect(out.annotations).toEqual({ x: 'cli', y: 'kept' });
    expect(out.format).toBe('tar');
    expect(config.contents.packages).toEqual(['p']);
  });
});

describe('parseBuildDate', () => {
  it.each([
    ['1970-01-01T00:00:00Z', 0],
    ['2024-02-29T12:34:56Z', 1709210096],
    ['2024-02-29T14:34:56+02:00', 1709210096],
    ['2024-02-29T07:04:56-05:30', 1709210096],
    ['2024-02-29T12:34:56.999Z', 1709210096],
  ])('reads %s as %d', (s, secs) => {
    expect(parseBuildDate(s)).toBe(secs);
  });

  it.each(['2024-02-29', '2024-02-29 12:00:00Z', '2023-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01t00:00:00z', '1969-12-31T23:59:59Z', 'yesterday'])(
    'refuses %j',
    (s) => {
      expect(() => parseBuildDate(s)).toThrow(ConfigError);
      expect(() => parseBuildDate(s)).toThrow(`--build-date: "${s}" is not an RFC 3339 date`);
    },
  );
});

describe('parseSourceDateEpoch', () => {
  it.each<[string | undefined, number | undefined]>([
    [undefined, undefined],
    ['', undefined],
    ['0', 0],
    ['1700000000', 1700000000],
    ['+5', 5],
  ])('reads %j as %j', (v, secs) => {
    expect(parseSourceDateEpoch(v)).toBe(secs);
  });

  it.each(['abc', '1.5', ' 1', '1e9', '-1', '0x10', '99999999999999999999'])('refuses %j as malformed', (v) => {
    expect(() => parseSourceDateEpoch(v)).toThrow(ConfigError);
    expect(() => parseSourceDateEpoch(v)).toThrow(`SOURCE_DATE_EPOCH="${v}" is not a non-negative integer number of seconds since 1970-01-01`);
  });
});
