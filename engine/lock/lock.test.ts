import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { formatLockFile, parseLockFile, parseRange } from './index';

/** A lock file as apko writes it (shape and field order of apko's own test data). */
const APKO_LOCK = `{
  "version": "v1",
  "config": {
    "name": "apko.yaml",
    "checksum": "sha256-3Yq4mS5yN1Gv0gI7c0eAjbKq0mXkXh8C2L4pA7r7Z8k="
  },
  "contents": {
    "keyring": [
      {
        "name": "./testdata/melange.rsa.pub",
        "url": "./testdata/melange.rsa.pub",
        "content": "-----BEGIN PUBLIC KEY-----\\nMIIB\\n-----END PUBLIC KEY-----\\n"
      }
    ],
    "build_repositories": [],
    "runtime_repositories": [],
    "repositories": [
      {
        "name": "./testdata/packages/x86_64",
        "url": "./testdata/packages/x86_64/APKINDEX.tar.gz",
        "architecture": "x86_64"
      }
    ],
    "packages": [
      {
        "name": "replayout",
        "url": "./testdata/packages/x86_64/replayout-1.0.0-r0.apk",
        "version": "1.0.0-r0",
        "architecture": "x86_64",
        "signature": {
          "range": "bytes=0-646",
          "checksum": "sha1-DbWA8bZmHSwxAQHtqPV0HZ4lxnQ="
        },
        "control": {
          "range": "bytes=647-1660",
          "checksum": "sha1-1/HhSewwwOXgl0r0ffb0O0BRtYc="
        },
        "data": {
          "range": "bytes=1661-2960",
          "checksum": "sha256-zmiHBlYXvx2kxCbW5sfu7Xm4WKxbSTv6DCiOrAsFHbI="
        },
        "checksum": "Q11/HhSewwwOXgl0r0ffb0O0BRtYc="
      }
    ]
  }
}
`;

describe('lock files', () => {
  it('loads a lock file written by apko', () => {
    const lock = parseLockFile(APKO_LOCK, 'apko.lock.json');
    expect(lock.contents.packages[0]).toMatchObject({ name: 'replayout', version: '1.0.0-r0', checksum: 'Q11/HhSewwwOXgl0r0ffb0O0BRtYc=' });
    expect(parseRange(lock.contents.packages[0]!.control.range)).toEqual({ start: 647, end: 1661 });
  });

  it('writes the bytes apko writes for the same lock', () => {
    expect(formatLockFile(parseLockFile(APKO_LOCK, 'apko.lock.json'))).toBe(APKO_LOCK);
  });

  it.each([
    ['not JSON', '{', /apko\.lock\.json: not valid JSON/],
    ['a package without a Q1 checksum', APKO_LOCK.replace('"checksum": "Q11/HhSewwwOXgl0r0ffb0O0BRtYc="', '"checksum": ""'), /contents\.packages\[0\]\.checksum/],
    ['a malformed range', APKO_LOCK.replace('bytes=647-1660', '647-1660'), /contents\.packages\[0\]\.control\.range/],
    ['another version', APKO_LOCK.replace('"v1"', '"v2"'), /version/],
  ])('rejects %s with a ConfigError naming the field', (_what, text, message) => {
    let err: unknown;
    try {
      parseLockFile(text, 'apko.lock.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(message);
    expect((err as ConfigError).hint).toContain('apko-nx lock');
  });
});
