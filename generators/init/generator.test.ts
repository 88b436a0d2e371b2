import { readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { createPublicKey } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { publicKeyFromPrivate } from '../../engine/workspace';
import initGenerator from './generator';

let tree: Tree;

beforeEach(() => {
  tree = createTreeWithEmptyWorkspace();
  tree.write('.gitignore', 'node_modules\n');
});

const run = () => initGenerator(tree, { keySize: 2048, skipFormat: true });

describe('init generator', () => {
  it('registers the plugin, ignores outputs, keys and Nx data, and creates a private key (0600) with its public half', async () => {
    await run();
    expect(readNxJson(tree)!.plugins).toEqual(['@apko/nx']);
    expect(tree.read('.gitignore', 'utf8')).toBe(
      'node_modules\n\n# @apko/nx: built images and packages, private signing keys\n/dist\n*.rsa\n*.local.rsa.pub\n.nx/cache\n.nx/workspace-data\n',
    );
    const priv = tree.read('melange.rsa', 'utf8')!;
    expect(priv).toContain('-----BEGIN RSA PRIVATE KEY-----');
    expect(tree.read('melange.rsa.pub', 'utf8')).toBe(publicKeyFromPrivate(priv));
    expect(createPublicKey(priv).asymmetricKeyDetails?.modulusLength).toBe(2048);
    const change = tree.listChanges().find((c) => c.path === 'melange.rsa')!;
    expect(change.options?.mode).toBe(0o600);
  });

  it('changes nothing when run a second time', async () => {
    await run();
    const snapshot = (['nx.json', '.gitignore', 'melange.rsa', 'melange.rsa.pub'] as const).map((p) => tree.read(p, 'utf8'));
    await run();
    expect((['nx.json', '.gitignore', 'melange.rsa', 'melange.rsa.pub'] as const).map((p) => tree.read(p, 'utf8'))).toEqual(snapshot);
  });

  it('keeps an existing plugin entry with options and uses its signing key and output directory', async () => {
    updateNxJson(tree, { ...readNxJson(tree), plugins: [{ plugin: '@apko/nx', options: { signingKey: 'keys/local.rsa', outputDir: 'build' } }] });
    tree.write('.gitignore', '/build\n');
    await run();
    expect(readNxJson(tree)!.plugins).toEqual([{ plugin: '@apko/nx', options: { signingKey: 'keys/local.rsa', outputDir: 'build' } }]);
    expect(tree.exists('keys/local.rsa')).toBe(true);
    expect(tree.exists('keys/local.rsa.pub')).toBe(true);
    expect(tree.read('.gitignore', 'utf8')).not.toContain('/dist');
  });

  it('registers a non-default key as the plugin option', async () => {
    await initGenerator(tree, { keySize: 2048, skipFormat: true, signingKey: 'ci/signing.rsa' });
    expect(readNxJson(tree)!.plugins).toEqual([{ plugin: '@apko/nx', options: { signingKey: 'ci/signing.rsa' } }]);
  });

  it('never replaces a key: derives a missing public half, and makes no new pair when only the public key exists', async () => {
    await run();
    const priv = tree.read('melange.rsa', 'utf8')!;
    tree.delete('melange.rsa.pub');
    await run();
    expect(tree.read('melange.rsa', 'utf8')).toBe(priv);
    expect(tree.read('melange.rsa.pub', 'utf8')).toBe(publicKeyFromPrivate(priv));

    tree.delete('melange.rsa');
    const pub = tree.read('melange.rsa.pub', 'utf8');
    await run();
    expect(tree.exists('melange.rsa')).toBe(false);
    expect(tree.read('melange.rsa.pub', 'utf8')).toBe(pub);
  });
});
