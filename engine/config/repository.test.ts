import { describe, expect, it } from 'vitest';
import { parseRepositoryEntry, resolveLocation } from './repository';

describe('parseRepositoryEntry', () => {
  it('resolves a relative local repository against the working directory and keeps the entry', () => {
    expect(parseRepositoryEntry('./packages', '/work')).toEqual({ entry: './packages', location: './packages', local: true, resolved: '/work/packages' });
  });

  it('splits a tagged repository', () => {
    expect(parseRepositoryEntry('@edge https://dl-cdn.alpinelinux.org/alpine/edge/main', '/w')).toEqual({
      entry: '@edge https://dl-cdn.alpinelinux.org/alpine/edge/main',
      tag: 'edge',
      location: 'https://dl-cdn.alpinelinux.org/alpine/edge/main',
      local: false,
      resolved: 'https://dl-cdn.alpinelinux.org/alpine/edge/main',
    });
  });

  it.each([
    ['/abs/keys/k.rsa.pub', '/abs/keys/k.rsa.pub'],
    ['file:///abs/repo', '/abs/repo'],
    ['k.rsa.pub', '/w/k.rsa.pub'],
    ['HTTPS://X/k.rsa.pub', 'HTTPS://X/k.rsa.pub'],
  ])('resolves %s to %s', (location, resolved) => {
    expect(resolveLocation(location, '/w')).toBe(resolved);
  });
});
