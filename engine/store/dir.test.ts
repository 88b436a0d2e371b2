import { describe, expect, it } from 'vitest';
import { defaultCacheDir } from './dir';

const base = { home: '/home/u', cwd: '/work' };

describe('defaultCacheDir', () => {
  it.each([
    ['--cache-dir over everything', { cacheDir: '/flag', env: { APKO_CACHE_DIR: '/env', XDG_CACHE_HOME: '/xdg' } }, '/flag'],
    ['a relative --cache-dir against the cwd', { cacheDir: 'cache', env: {} }, '/work/cache'],
    ['APKO_CACHE_DIR over XDG_CACHE_HOME', { env: { APKO_CACHE_DIR: '/env', XDG_CACHE_HOME: '/xdg' } }, '/env'],
    ['$XDG_CACHE_HOME/apko-nx', { env: { XDG_CACHE_HOME: '/xdg' } }, '/xdg/apko-nx'],
    ['~/.cache/apko-nx when nothing is set', { env: {} }, '/home/u/.cache/apko-nx'],
    ['~/.cache/apko-nx when the variables are empty', { env: { APKO_CACHE_DIR: '', XDG_CACHE_HOME: '' } }, '/home/u/.cache/apko-nx'],
    ['~/.cache/apko-nx when XDG_CACHE_HOME is relative (the XDG spec says ignore it)', { env: { XDG_CACHE_HOME: 'rel' } }, '/home/u/.cache/apko-nx'],
  ])('picks %s', (_what, inputs, expected) => {
    expect(defaultCacheDir({ ...base, ...inputs })).toBe(expected);
  });
});
