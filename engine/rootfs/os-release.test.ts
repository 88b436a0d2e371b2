import { describe, expect, it } from 'vitest';
import { parseOsRelease, readOsRelease } from './os-release';
import { OS_RELEASE } from './testdata/golden-packages';
import { Tree } from './tree';

describe('parseOsRelease', () => {
  it('reads the golden os-release into unquoted values', () => {
    expect(parseOsRelease(OS_RELEASE)).toEqual({
      ID: 'replaces',
      NAME: 'Replaces',
      PRETTY_NAME: 'Replaces',
      VERSION_ID: '1.0.0',
      HOME_URL: 'https://example.com/',
    });
  });

  it('skips comments and blank lines and undoes shell escapes', () => {
    expect(parseOsRelease('# c\n\nA="say \\"hi\\""\nB=\'x y\'\nnot a pair\n')).toEqual({ A: 'say "hi"', B: 'x y' });
  });
});

describe('readOsRelease', () => {
  it('follows /etc/os-release to /usr/lib/os-release', () => {
    const tree = new Tree();
    tree.mkdirAll('usr/lib');
    tree.mkdirAll('etc');
    tree.writeFile('usr/lib/os-release', 'ID=wolfi\n');
    tree.symlink('../usr/lib/os-release', 'etc/os-release');
    expect(readOsRelease(tree)).toEqual({ ID: 'wolfi' });
  });

  it('returns undefined when the image has none', () => {
    expect(readOsRelease(new Tree())).toBeUndefined();
  });
});
