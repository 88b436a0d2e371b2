import { describe, expect, it } from 'vitest';
import { REDACTED, redactRequestUrl, redactText, redactUrl, withoutCredentials } from './redact';

describe('redactUrl', () => {
  it.each([
    // user and password: the user stays, the password goes (apko's show-config, Go's url.Redacted)
    ['https://user:s3cret@apk.example.com/os', 'https://user:xxxxx@apk.example.com/os'],
    ['http://u:p%40ss@127.0.0.1:9/x/APKINDEX.tar.gz', 'http://u:xxxxx@127.0.0.1:9/x/APKINDEX.tar.gz'],
    // an empty password is still a password
    ['https://user:@host/x', 'https://user:xxxxx@host/x'],
    // a lone userinfo is a token: hidden whole (where Go would print it)
    ['https://token@host:8443/os?x=1', 'https://xxxxx@host:8443/os?x=1'],
    // userinfo ends at the last @ of the authority, so a raw @ in the password leaks nothing
    ['https://user:p@ss@host/x', 'https://user:xxxxx@host/x'],
    // several URLs in one string, and a tagged repository
    ['@tag https://a:1@x/os and http://b:2@y/os', '@tag https://a:xxxxx@x/os and http://b:xxxxx@y/os'],
    ['repository "https://u:secret@host/os extra" is neither', 'repository "https://u:xxxxx@host/os extra" is neither'],
    // already redacted: unchanged
    ['https://user:xxxxx@host/os', 'https://user:xxxxx@host/os'],
    ['https://xxxxx@host/os', 'https://xxxxx@host/os'],
  ])('shows %s as %s', (input, shown) => {
    expect(redactUrl(input)).toBe(shown);
  });

  it.each([
    'https://apk.example.com/os',
    'https://host/path/with@sign',
    'https://host/path/user:pass@not-authority',
    './packages',
    'user:pass@host',
    'git@github.com:org/repo.git',
  ])('leaves %s alone', (input) => {
    expect(redactUrl(input)).toBe(input);
  });
});

describe('redactRequestUrl', () => {
  it.each([
    ['http://127.0.0.1:5000/v2/acme/app/blobs/uploads/1f2e?_state=opaque&digest=sha256:ab', 'http://127.0.0.1:5000/v2/acme/app/blobs/uploads/1f2e'],
    ['https://mirror.example/os/x86_64/APKINDEX.tar.gz?X-Amz-Signature=abc#frag', 'https://mirror.example/os/x86_64/APKINDEX.tar.gz'],
    ['https://robot:pw@host/os/x.apk?sig=1', 'https://robot:xxxxx@host/os/x.apk'],
    ['http://host/v2/', 'http://host/v2/'],
  ])('shows %s as %s', (input, shown) => {
    expect(redactRequestUrl(input)).toBe(shown);
  });
});

describe('redactText', () => {
  it.each([
    // HTTP_AUTH as a whole value: host and user kept, the password (which may hold ':' and spaces) hidden
    ['basic:apk.cgr.dev:user:token123', 'basic:apk.cgr.dev:user:xxxxx'],
    ['basic:127.0.0.1:8080:me:pa:ss', 'basic:127.0.0.1:8080:me:xxxxx'],
    ['basic:[::1]:8443:me:with space', 'basic:[::1]:8443:me:xxxxx'],
    // HTTP_AUTH inside text
    ['HTTP_AUTH=basic:apk.example.com:u:hunter2 was set', 'HTTP_AUTH=basic:apk.example.com:u:xxxxx was set'],
    // Authorization values: the scheme kept
    ['authorization: Bearer eyJhbGciOi.x.y', 'authorization: Bearer xxxxx'],
    ['{"Authorization":"Basic cm9ib3Q6cHc="}', '{"Authorization":"Basic xxxxx"}'],
    // URLs as redactUrl
    ['GET https://u:pw@host/os failed', 'GET https://u:xxxxx@host/os failed'],
  ])('shows %s as %s', (input, shown) => {
    expect(redactText(input)).toBe(shown);
  });

  it.each(['127.0.0.1:5000 needs credentials (HTTP 401, basic auth)', 'Bearer realm="https://auth.example.com/token"', 'basic:', 'https://apk.example.com/os'])(
    'leaves %s alone',
    (input) => {
      expect(redactText(input)).toBe(input);
    },
  );
});

describe('withoutCredentials', () => {
  it.each([
    ['https://user:s3cret@r.example/os/x86_64/APKINDEX.tar.gz', 'https://r.example/os/x86_64/APKINDEX.tar.gz'],
    ['https://token@r.example/k.rsa.pub', 'https://r.example/k.rsa.pub'],
    ['ssh://git@example.com:2222/org/repo', 'ssh://example.com:2222/org/repo'],
    ['https://user:p@ss@host/x', 'https://host/x'],
    ['https://r.example/os', 'https://r.example/os'],
    ['./packages/x86_64/APKINDEX.tar.gz', './packages/x86_64/APKINDEX.tar.gz'],
  ])('turns %s into %s', (input, want) => {
    expect(withoutCredentials(input)).toBe(want);
  });
});

it('marks secrets as Go does', () => {
  expect(REDACTED).toBe('xxxxx');
});
