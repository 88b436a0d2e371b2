import { describe, expect, it } from 'vitest';
import { normalizePluginOptions } from './options';

describe('normalizePluginOptions', () => {
  it('fills the defaults', () => {
    expect(normalizePluginOptions(undefined)).toEqual({
      imageTargetName: 'image',
      publishTargetName: 'publish',
      lockTargetName: 'lock',
      packageTargetName: 'package',
      buildTargetName: 'build',
      outputDir: 'dist',
      archs: ['x86_64'],
      signingKey: 'melange.rsa',
      vcs: false,
    });
  });

  it('normalizes workspace-relative paths', () => {
    const o = normalizePluginOptions({ outputDir: './build/out/', cacheDir: '.cache\\apko', signingKey: 'keys/./local.rsa' });
    expect([o.outputDir, o.cacheDir, o.signingKey]).toEqual(['build/out', '.cache/apko', 'keys/local.rsa']);
  });

  it.each([
    ['outputDir', '/abs/dist'],
    ['cacheDir', '../outside'],
    ['signingKey', '..'],
    ['outputDir', '.'],
  ] as const)('refuses %s %j, which would put an absolute or outside path into the hash', (key, value) => {
    expect(() => normalizePluginOptions({ [key]: value })).toThrow(`@apko/nx plugin option ${key} must be a path inside the workspace, relative to its root (got "${value}")`);
  });
});
