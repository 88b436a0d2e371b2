import { describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../config';
import { finalizeConfig } from '../config/normalize';
import { parseConfigText } from '../config/parse';
import { imageInputsDigest } from './image';

const loaded = (text: string) => ({ config: finalizeConfig(parseConfigText(text, 'apko.yaml').config) }) as unknown as LoadedConfig;
const key = (text: string) => imageInputsDigest(loaded(text), { tag: 'app:1', archs: [], keyring: new Map() });

describe('the image store key', () => {
  it('does not depend on the credentials in repository and key URLs, which never reach the image', () => {
    const bare = key('contents:\n  repositories: [https://a.example/os]\n  keyring: [https://a.example/k.rsa.pub]\n');
    expect(key('contents:\n  repositories: [https://me:t0ken@a.example/os]\n  keyring: [https://me:other@a.example/k.rsa.pub]\n')).toBe(bare);
    expect(key('contents:\n  repositories: [https://b.example/os]\n  keyring: [https://a.example/k.rsa.pub]\n')).not.toBe(bare);
  });
});
