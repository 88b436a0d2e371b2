import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../e2e/support/env';
import { readApkIndex } from './index-read';
import { compareVersions, fuzzyMatch, isValidByTokens, isValidVersion, satisfies } from './version';

/** [older, newer] pairs of valid versions. */
const ordered: Array<[string, string]> = [
  ['1.0', '1.0.1'],
  ['1.0', '1.1'],
  ['1.9', '1.10'],
  ['1.2.9', '1.2.10'],
  ['2.99', '10.0'],
  ['0.9.9', '1'],
  ['1.0_rc1', '1.0'],
  ['1.0', '1.0_p1'],
  ['1.0a', '1.0b'],
  ['1.0', '1.0a'],
  ['1.0a', '1.0.1'],
  ['1.0-r1', '1.0-r2'],
  ['1.0-r9', '1.0-r10'],
  ['1.0', '1.0-r0'],
  ['1.0-r5', '1.0.1'],
  ['1.2_alpha', '1.2_beta'],
  ['1.2_beta', '1.2_pre'],
  ['1.2_pre', '1.2_rc'],
  ['1.2_rc', '1.2'],
  ['1.2_alpha1', '1.2_alpha2'],
  ['1.2_alpha9', '1.2_alpha10'],
  ['1.2_alpha', '1.2_alpha1'],
  ['1.2_rc9', '1.2'],
  ['1.2', '1.2_cvs'],
  ['1.2_cvs', '1.2_svn'],
  ['1.2_svn', '1.2_git'],
  ['1.2_git', '1.2_hg'],
  ['1.2_hg', '1.2_p'],
  ['1.2_p1', '1.2_p2'],
  ['1.2_p9', '1.2_p10'],
  ['2.0', '2.0_git20200101'],
  ['2.0_git20200101', '2.0_git20200102'],
  ['2.0_git20200101', '2.0.1'],
  ['1.0_p1', '1.0_p1-r1'],
  ['1.0_rc1-r5', '1.0_rc2'],
  ['1.0_alpha_pre', '1.0_alpha'],
  ['1.0_alpha', '1.0_alpha_p1'],
  ['1.0_pre1', '1.0_pre1_p1'],
  ['6.0_pre1', '6.0'],
  ['6.0', '6.0_p1'],
  ['1.0_rc1', '1.0.1'],
  ['1.02', '1.1'],
  ['1.00', '1.0'],
  ['1.0', '1.01'],
  // apk-tools 2.14 (test/version.data): digits that go on after a component's leading zeros outrank the next component.
  ['1.0.2', '1.02'],
  ['1.0.1', '1.06-r1'],
  ['1.0.9', '1.01'],
  ['1.02.07', '1.02.10'],
  ['0.01', '0.1'],
  ['007', '8'],
  ['20230101', '20230102'],
  ['1.0.0_pre20191002222144-r0', '1.0.0_pre20210530193627-r0'],
  ['99999999999999999999', '100000000000000000000'],
  ['1.2a-r1', '1.2b-r0'],
  ['2.3.0b-r1', '2.3.0b-r2'],
  ['1.2a9', '1.2a10'],
  ['3.9_pre20060124', '3.9'],
  ['1.35.0-r17', '1.36.1-r0'],
  ['1.0_p', '1.0_p0'], // a suffix number, even 0, outranks none
];

/** Pairs that compare equal. */
const equal: Array<[string, string]> = [
  ['1.0', '1.0'],
  ['1.2.3-r4', '1.2.3-r4'],
  ['1.0_alpha', '1.0_alpha'],
  ['01', '1'],
  ['1.0-r0', '1.0-r00'],
];

describe('compareVersions', () => {
  describe('valid versions', () => {
    it.each(ordered)('orders %s before %s', (a, b) => {
      expect(compareVersions(a, b)).toBe(-1);
      expect(compareVersions(b, a)).toBe(1);
    });

    it.each(equal)('treats %s and %s as the same version', (a, b) => {
      expect(compareVersions(a, b)).toBe(0);
      expect(compareVersions(b, a)).toBe(0);
    });

    it('sorts a shuffled list into release order', () => {
      const want = ['1.0_alpha', '1.0_beta2', '1.0_rc1', '1.0', '1.0-r1', '1.0_p1', '1.0a', '1.0.1', '1.1', '1.10'];
      const got = [...want].reverse().sort(compareVersions);
      expect(got).toEqual(want);
    });
  });

  describe('invalid versions', () => {
    it.each([
      ['1.0', '1.0bc'], // two letters: the tail is invalid and sorts after the valid end
      ['1.0', '1.0-foo'],
      ['1.0.1', '1.0-foo'],
      ['1.0_foo', '1.0'], // an unknown suffix counts as a pre-release
      ['1.0_alpha', '1.0_foo'],
      ['4_beta', '23_foo'],
      ['1.0-bar', '1.0-foo'], // equal up to the invalid tail: bytes decide
      ['', '1'], // an empty version reads as 0
    ])('orders %s before %s', (a, b) => {
      expect(compareVersions(a, b)).toBe(-1);
      expect(compareVersions(b, a)).toBe(1);
    });

    it('gives a total order, so sorting is stable across runs', () => {
      const list = ['1.0x-y', '1.0-foo', 'abc', '1.0', '', '1.0bc', '1.0-bar'];
      const once = [...list].sort(compareVersions);
      expect([...list].reverse().sort(compareVersions)).toEqual(once);
    });
  });
});

describe('isValidVersion', () => {
  it.each([
    '0',
    '1',
    '1.2.3',
    '1.2.3a',
    '1.2.3_rc1',
    '1.2.3_p',
    '1.2.3_alpha_pre2',
    '1.2_git20200101_p1',
    '1.2.3-r0',
    '1.2.3a_beta2_p3-r14',
    '20230101',
    '1.02',
    '1.2a3',
  ])('accepts %s', (v) => expect(isValidVersion(v)).toBe(true));

  it.each([
    '',
    'a',
    'v1.0',
    '1.',
    '1..2',
    '1.0bc',
    '1.0-r',
    '1.0-foo',
    '1.0_foo',
    '1.0-r1a',
    '1.0-r1_p1',
    '1a.2',
    '1.0 ',
    '1.0+build',
    '1.0_rc1.2',
    '1.0A',
  ])('rejects %j', (v) => expect(isValidVersion(v)).toBe(false));

  /** Strings near the fast path's edges: every one is judged as the tokenizer judges it. */
  const EDGES = ['1.0a_p', '1.0_p_p', '1.0_pre', '1.0_prc', '1.0_pre1_p2-r0', '1.0_p1.2', '1.0a-r0', '1.00', '1.0.06', '00', '1.0_rc_', '1-r01', '1.0_beta-r', '1.a', '1.0_cvs9_svn_git1_hg2', '1.0~abc', '1.0-r1-r2', '1_rc1a', '1.2a.3'];
  it.each(EDGES)('agrees with the tokenizer on %j', (v) => expect(isValidVersion(v)).toBe(isValidByTokens(v)));

  const indexes = [fixture('alpine-v3.16-x86_64', 'APKINDEX.tar.gz'), fixture('alpine-v3.17-aarch64', 'APKINDEX.tar.gz')];
  it.skipIf(indexes.includes(undefined))('agrees with the tokenizer on every distinct version and versioned atom of two real Alpine indexes (some 2900)', () => {
    const versions = new Set<string>();
    for (const path of indexes) {
      for (const e of readApkIndex(readFileSync(path!), { ignoreSignatures: true }).entries) {
        versions.add(e.version);
        for (const atom of [...e.depends, ...e.provides, ...e.installIf]) {
          const m = /[=<>~]+(.*)$/.exec(atom);
          if (m) versions.add(m[1]!);
        }
      }
    }
    expect(versions.size).toBeGreaterThan(2000);
    expect([...versions].filter((v) => isValidVersion(v) !== isValidByTokens(v))).toEqual([]);
  });
});

describe('fuzzyMatch', () => {
  it.each([
    ['1.2', '1.2'],
    ['1.2.3', '1.2'],
    ['1.2.3-r4', '1.2'],
    ['1.2.3-r4', '1.2.3'],
    ['1.2.3-r4', '1.2.3-r4'],
    ['1.2_rc1', '1.2'],
    ['1.2a', '1.2'],
    ['1.2a-r1', '1.2a'],
    ['1.2', '1'],
  ])('matches %s against ~%s', (v, p) => expect(fuzzyMatch(v, p)).toBe(true));

  it.each([
    ['1.20', '1.2'],
    ['1.3', '1.2'],
    ['1.2', '1.2.3'],
    ['1.2a', '1.2b'],
    ['1.2-r1', '1.2-r2'],
    ['1.2_rc1', '1.2_rc2'],
    ['2.2', '1'],
    ['1.2a', '1.2.3'],
  ])('does not match %s against ~%s', (v, p) => expect(fuzzyMatch(v, p)).toBe(false));
});

describe('satisfies', () => {
  it.each([
    ['1.2-r0', '=', '1.2-r0', true],
    ['1.2-r1', '=', '1.2-r0', false],
    ['1.2', '<', '1.3', true],
    ['1.3', '<', '1.3', false],
    ['1.3', '<=', '1.3', true],
    ['1.4', '<=', '1.3', false],
    ['1.4', '>', '1.3', true],
    ['1.3', '>', '1.3', false],
    ['1.3', '>=', '1.3', true],
    ['1.3_rc1', '>=', '1.3', false],
    ['1.3.7-r2', '~', '1.3', true],
    ['1.3.7-r2', '=~', '1.3', true],
    ['1.4', '~', '1.3', false],
    ['1.35.0-r17', '<', '1.35', false],
  ] as const)('%s %s %s is %s', (v, op, want, result) => expect(satisfies(v, op, want)).toBe(result));
});
