import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { httpAuthAuthorization, parseHttpAuth } from './repository-auth';

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

describe('httpAuthAuthorization', () => {
  it('applies HTTP_AUTH to its host only, with or without a port', () => {
    const auth = parseHttpAuth('basic:example.org:me:tok');
    expect(httpAuthAuthorization(auth, new URL('https://example.org/os'))).toBe(basic('me:tok'));
    expect(httpAuthAuthorization(auth, new URL('https://example.org:8443/os'))).toBe(basic('me:tok'));
    expect(httpAuthAuthorization(auth, new URL('https://evil.example/os'))).toBeUndefined();
    const withPort = parseHttpAuth('basic:example.org:8443:me:tok');
    expect(httpAuthAuthorization(withPort, new URL('https://example.org:8443/os'))).toBe(basic('me:tok'));
    expect(httpAuthAuthorization(withPort, new URL('https://example.org/os'))).toBeUndefined();
    expect(httpAuthAuthorization(undefined, new URL('https://example.org/os'))).toBeUndefined();
  });
});
