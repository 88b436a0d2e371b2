import { describe, expect, it } from 'vitest';
import { FormatError } from '../errors';
import { apkKey, indexKey, keyringKey, parsedIndexKey } from './keys';

describe('store keys', () => {
  it('prefix every key with its kind and the format version', () => {
    expect(apkKey('Q1LLq2qDNrS/qRnhxQ3hsY/sHbQnc=')).toBe('apk:v1:Q1LLq2qDNrS/qRnhxQ3hsY/sHbQnc=');
    expect(indexKey('https://r.example/os/x86_64/APKINDEX.tar.gz')).toBe('index:v1:https://r.example/os/x86_64/APKINDEX.tar.gz');
    expect(keyringKey('https://r.example/k.rsa.pub')).toBe('key:v1:https://r.example/k.rsa.pub');
    expect(parsedIndexKey('ab'.repeat(32))).toBe(`parsed-index:v1:${'ab'.repeat(32)}`);
  });

  it('never put credentials into a key', () => {
    expect(indexKey('https://user:s3cret@r.example/os/x86_64/APKINDEX.tar.gz')).toBe('index:v1:https://r.example/os/x86_64/APKINDEX.tar.gz');
    expect(keyringKey('https://token@r.example/k.rsa.pub')).toBe('key:v1:https://r.example/k.rsa.pub');
  });

  it('leave local paths as they are', () => {
    expect(indexKey('./packages/x86_64/APKINDEX.tar.gz')).toBe('index:v1:./packages/x86_64/APKINDEX.tar.gz');
  });

  it('refuse a package key that is not a Q1 checksum', () => {
    expect(() => apkKey('sha256:abc')).toThrow(FormatError);
  });
});
