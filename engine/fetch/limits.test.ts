import { constants as bufferConstants } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { PACKAGE_LIMIT_DEFAULTS } from '../defaults';
import { ConfigError } from '../errors';
import { normalizePackageLimits } from './limits';

describe('normalizePackageLimits', () => {
  it("fills apko's defaults where nothing (or 0, or an empty string) is given", () => {
    expect(normalizePackageLimits()).toEqual(PACKAGE_LIMIT_DEFAULTS);
    expect(normalizePackageLimits({ maxApkDataSize: 0, maxApkControlSize: '0', maxHttpResponseSize: '' })).toEqual(PACKAGE_LIMIT_DEFAULTS);
  });

  it('takes numbers and strings of bytes; -1 is the largest buffer this engine can hold', () => {
    const limits = normalizePackageLimits({ maxApkDataSize: '4096', maxApkIndexDecompressedSize: 1024, maxApkControlSize: -1 });
    expect(limits).toMatchObject({ maxApkDataSize: 4096, maxApkIndexDecompressedSize: 1024, maxApkControlSize: bufferConstants.MAX_LENGTH });
  });

  it.each(['lots', '1.5', '-2', '1e9', '0x10'])('refuses %s, naming the flag and what it takes', (value) => {
    let err: unknown;
    try {
      normalizePackageLimits({ maxApkDataSize: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(`--max-apk-data-size: "${value}" is not a number of bytes`);
    expect((err as ConfigError).hint).toContain('-1 for no limit');
  });
});
