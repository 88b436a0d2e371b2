import { describe, expect, it } from 'vitest';
import { parseChallenges } from './challenge';

describe('parseChallenges', () => {
  it.each([
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull,push"',
      [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull,push' } }],
    ],
    ['bearer Realm=https://x/token, Service=reg', [{ scheme: 'bearer', params: { realm: 'https://x/token', service: 'reg' } }]],
    [
      'Bearer realm="https://x/token",error="insufficient_scope", Basic realm="b"',
      [
        { scheme: 'bearer', params: { realm: 'https://x/token', error: 'insufficient_scope' } },
        { scheme: 'basic', params: { realm: 'b' } },
      ],
    ],
    ['Basic realm="a \\"quoted\\" realm"', [{ scheme: 'basic', params: { realm: 'a "quoted" realm' } }]],
    ['Negotiate', [{ scheme: 'negotiate', params: {} }]],
    ['', []],
  ])('reads %j', (header, want) => {
    expect(parseChallenges(header)).toEqual(want);
  });

  it('reads every value of a repeated header', () => {
    expect(parseChallenges(['Basic realm="a"', 'Bearer realm="https://t"']).map((c) => c.scheme)).toEqual(['basic', 'bearer']);
  });

  it('returns nothing for a missing header', () => {
    expect(parseChallenges(undefined)).toEqual([]);
  });
});
