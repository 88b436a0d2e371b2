import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { writeKeys, writeRepositories, writeWorld } from './apk-files';
import { Tree } from './tree';

function keysTree(): Tree {
  const tree = new Tree();
  tree.mkdirAll('etc/apk/keys');
  return tree;
}

describe('writeWorld', () => {
  it('writes the pins sorted byte-wise, de-duplicated, one per line with a final newline', () => {
    const tree = keysTree();
    writeWorld(tree, ['replayout=1.0.0-r0', 'pretend-baselayout=1.0.0-r0', 'Zed=1', 'replayout=1.0.0-r0']);
    expect(tree.readFile('etc/apk/world')?.toString()).toBe('Zed=1\npretend-baselayout=1.0.0-r0\nreplayout=1.0.0-r0\n');
    expect(tree.get('etc/apk/world')?.mode).toBe(0o644);
  });
});

describe('writeRepositories', () => {
  it('writes repositories without the credentials in their URLs', () => {
    const tree = keysTree();
    writeRepositories(tree, ['https://me:t0ken@a.example/os', '@edge https://t0ken@b.example/edge', 'https://a.example/os']);
    expect(tree.readFile('etc/apk/repositories')?.toString()).toBe('@edge https://b.example/edge\nhttps://a.example/os\n');
  });

  it('writes the runtime repositories sorted with a final newline', () => {
    const tree = keysTree();
    expect(writeRepositories(tree, ['https://b.example/os', './testdata/packages'])).toBeUndefined();
    expect(tree.readFile('etc/apk/repositories')?.toString()).toBe('./testdata/packages\nhttps://b.example/os\n');
  });

  it('writes a bare newline and warns, rather than failing as apko does, when there is none', () => {
    const tree = keysTree();
    expect(writeRepositories(tree, [])).toMatch(/^\/etc\/apk\/repositories is empty/);
    expect(tree.readFile('etc/apk/repositories')?.toString()).toBe('\n');
  });
});

describe('writeKeys', () => {
  it('writes each key as /etc/apk/keys/<name> 0644', () => {
    const tree = keysTree();
    writeKeys(tree, new Map([['melange.rsa.pub', 'PEM']]));
    expect(tree.get('etc/apk/keys/melange.rsa.pub')).toMatchObject({ type: 'file', mode: 0o644, uid: 0, mtime: 0 });
  });

  it('rejects a key name with a slash', () => {
    expect(() => writeKeys(keysTree(), new Map([['../evil', 'PEM']]))).toThrow(ConfigError);
  });
});
