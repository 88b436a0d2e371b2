import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { parseHttpAuth, prepareRequest } from './auth';

const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

describe('parseHttpAuth', () => {
  it.each([
    ['basic:example.org:me:token', { host: 'example.org', user: 'me', password: 'token' }],
    ['basic:127.0.0.1:8080:me:pa:ss', { host: '127.0.0.1:8080', user: 'me', password: 'pa:ss' }],
    ['basic:[::1]:8443:me:x', { host: '[::1]:8443', user: 'me', password: 'x' }],
    ['basic:Example.ORG:me:', { host: 'example.org', user: 'me', password: '' }],
  ])('reads %j', (value, expected) => {
    expect(parseHttpAuth(value)).toEqual(expected);
  });

  it('is undefined when unset', () => {
    expect(parseHttpAuth(undefined)).toBeUndefined();
    expect(parseHttpAuth('')).toBeUndefined();
  });

  it('refuses another form without echoing the value', () => {
    expect(() => parseHttpAuth('bearer:host:tok3n')).toThrow(ConfigError);
    expect(() => parseHttpAuth('bearer:host:tok3n')).not.toThrow(/tok3n/);
  });
});

describe('prepareRequest', () => {
  it('moves URL userinfo into the header, decoded', () => {
    expect(prepareRequest('https://me:p%40ss@example.org/os/x', {})).toEqual({
      url: 'https://example.org/os/x',
      authorization: basic('me:p@ss'),
    });
  });

  it('prefers URL userinfo over HTTP_AUTH', () => {
    const r = prepareRequest('https://me:a@example.org/os', { HTTP_AUTH: 'basic:example.org:other:b' });
    expect(r.authorization).toBe(basic('me:a'));
  });

  it('applies HTTP_AUTH to its host only', () => {
    const env = { HTTP_AUTH: 'basic:example.org:me:tok' };
    expect(prepareRequest('https://example.org/os', env).authorization).toBe(basic('me:tok'));
    expect(prepareRequest('https://example.org:8443/os', env).authorization).toBe(basic('me:tok'));
    expect(prepareRequest('https://evil.example/os', env).authorization).toBeUndefined();
    const withPort = { HTTP_AUTH: 'basic:example.org:8443:me:tok' };
    expect(prepareRequest('https://example.org:8443/os', withPort).authorization).toBe(basic('me:tok'));
    expect(prepareRequest('https://example.org/os', withPort).authorization).toBeUndefined();
  });
});
