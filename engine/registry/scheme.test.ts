import { describe, expect, it } from 'vitest';
import { isLoopbackHost, mayCarryCredentials, registryScheme } from './scheme';

describe('registryScheme', () => {
  it.each([
    ['127.0.0.1:5000', false, 'http'],
    ['127.1.2.3', false, 'http'],
    ['localhost:5000', false, 'http'],
    ['LOCALHOST', false, 'http'],
    ['[::1]:5000', false, 'http'],
    ['ghcr.io', false, 'https'],
    ['registry.local:5000', false, 'https'],
    ['10.0.0.5:5000', false, 'https'],
    ['localhost.example.com', false, 'https'],
    ['128.0.0.1', false, 'https'],
    ['10.0.0.5:5000', true, 'http'],
    ['ghcr.io', true, 'http'],
  ] as const)('speaks to %s (insecure=%s) over %s', (registry, insecure, scheme) => {
    expect(registryScheme(registry, insecure)).toBe(scheme);
  });

  it('calls only loopback hosts loopback', () => {
    expect(isLoopbackHost('127.0.0.1:1')).toBe(true);
    expect(isLoopbackHost('127.0.0.1.nip.io')).toBe(false);
  });
});

describe('mayCarryCredentials', () => {
  it('sends credentials over https anywhere, over http only to loopback or when insecure', () => {
    expect(mayCarryCredentials(new URL('https://auth.example.com/token'), false)).toBe(true);
    expect(mayCarryCredentials(new URL('http://127.0.0.1:9000/token'), false)).toBe(true);
    expect(mayCarryCredentials(new URL('http://auth.example.com/token'), false)).toBe(false);
    expect(mayCarryCredentials(new URL('http://auth.example.com/token'), true)).toBe(true);
  });
});
