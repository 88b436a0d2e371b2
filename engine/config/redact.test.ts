import { describe, expect, it } from 'vitest';
import { redactSecrets, redactUrls } from './redact';

describe('redactSecrets', () => {
  it.each([
    ['https://user:s3cret@apk.example.com/os', 'https://user:*****@apk.example.com/os'],
    ['@tag https://user:s3cret@apk.example.com/os', '@tag https://user:*****@apk.example.com/os'],
    ['https://user:p@ss@host/x', 'https://user:*****@host/x'],
    ['https://user:@host/x', 'https://user:*****@host/x'],
    ['basic:apk.cgr.dev:user:token123', 'basic:apk.cgr.dev:user:*****'],
  ])('redacts %s', (input, output) => {
    expect(redactSecrets(input)).toBe(output);
  });

  it.each([
    'https://apk.example.com/os',
    'https://token@apk.example.com/os',
    './packages',
    'https://host/path/user:pass@not-authority',
    'user:pass@host',
  ])('leaves %s alone', (input) => {
    expect(redactUrls(input)).toBe(input);
  });
});
