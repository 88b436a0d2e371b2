import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { locateRepository, parseRepository } from './repository';

describe('parseRepository', () => {
  it.each([
    ['https://dl-cdn.alpinelinux.org/alpine/v3.17/main', { url: 'https://dl-cdn.alpinelinux.org/alpine/v3.17/main' }],
    ['https://packages.wolfi.dev/os/', { url: 'https://packages.wolfi.dev/os' }],
    ['./packages/', { url: './packages' }],
    ['  /srv/repo  ', { url: '/srv/repo' }],
    ['@local ./packages/', { url: './packages', tag: 'local' }],
    ['@edge   https://example.org/edge', { url: 'https://example.org/edge', tag: 'edge' }],
  ])('reads %j', (entry, expected) => {
    expect(parseRepository(entry)).toEqual(expected);
  });

  it.each([['@tag'], ['two words'], [''], ['@a b c']])('refuses %j with a ConfigError', (entry) => {
    expect(() => parseRepository(entry)).toThrow(ConfigError);
  });

  it('does not show credentials when refusing an entry', () => {
    expect(() => parseRepository('https://u:secret@host/os extra')).toThrow('repository "https://u:xxxxx@host/os extra" is neither a URL nor "@tag <url>"');
  });
});

describe('locateRepository', () => {
  it('reads directories and file:// locally and http(s) over the network', () => {
    expect(locateRepository('./repo', '/work')).toEqual({ kind: 'local', dir: '/work/repo' });
    expect(locateRepository('file:///srv/repo')).toEqual({ kind: 'local', dir: '/srv/repo' });
    expect(locateRepository('HTTPS://example.org/os')).toEqual({ kind: 'http', baseUrl: 'HTTPS://example.org/os' });
  });

  it('refuses other schemes', () => {
    expect(() => locateRepository('s3://bucket/os')).toThrow('repository "s3://bucket/os" uses the unsupported scheme s3://');
  });
});
