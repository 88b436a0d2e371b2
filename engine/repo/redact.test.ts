import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact';

describe('redactUrl', () => {
  it.each([
    ['https://user:pass@host/os', 'https://***@host/os'],
    ['https://token@host:8443/os?x=1', 'https://***@host:8443/os?x=1'],
    ['http://u:p%40ss@127.0.0.1:9/x/APKINDEX.tar.gz', 'http://***@127.0.0.1:9/x/APKINDEX.tar.gz'],
    ['https://host/os', 'https://host/os'],
    ['https://host/path/with@sign', 'https://host/path/with@sign'],
    ['./packages', './packages'],
  ])('shows %s as %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });
});
