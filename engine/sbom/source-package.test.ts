import { describe, expect, it } from 'vitest';
import { parseVcsUrl } from './source-package';

describe('parseVcsUrl', () => {
  it.each([
    ['https://github.com/o/r@0123abc', { url: 'https://github.com/o/r', commit: '0123abc' }],
    ['https://github.com/o/r', { url: 'https://github.com/o/r' }],
    ['https://tok@host', { url: 'https://tok@host' }],
    ['https://tok@host/o/r', { url: 'https://tok@host/o/r' }],
    ['git+ssh://git@github.com/o/r@deadbeef', { url: 'git+ssh://git@github.com/o/r', commit: 'deadbeef' }],
    ['git@github.com:o/r', { url: 'git@github.com:o/r' }],
  ])('splits %s', (vcs, parts) => {
    expect(parseVcsUrl(vcs)).toEqual(parts);
  });
});
