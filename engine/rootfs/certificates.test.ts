import { createHash, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { installCertificates } from './certificates';
import { file, makePackage } from './testdata/make-package';
import { TEST_CA_ONE, TEST_CA_TWO } from './testdata/certificates';
import { Tree } from './tree';

const BUNDLE = 'etc/ssl/certs/ca-certificates.crt';

function treeWithBundle(content = 'EXISTING BUNDLE\n'): Tree {
  const tree = new Tree();
  tree.mkdirAll('etc/ssl/certs');
  tree.writeFile(BUNDLE, content, { owner: 'ca-certificates-bundle' });
  return tree;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('installCertificates', () => {
  it('writes additional certificates by name and fingerprint and appends them to the bundle', () => {
    const tree = treeWithBundle();
    installCertificates(tree, { certificates: { additional: [{ name: 'corp', content: TEST_CA_ONE }], providers: [] }, installed: [], buildDate: 1700000000 });
    const der = new X509Certificate(TEST_CA_ONE).raw;
    const path = `usr/local/share/ca-certificates/corp-${sha256(der)}.crt`;
    expect(tree.get(path)).toMatchObject({ mode: 0o644, mtime: 1700000000 });
    const bundle = tree.readFile(BUNDLE)!.toString();
    expect(bundle.startsWith('EXISTING BUNDLE\n-----BEGIN CERTIFICATE-----')).toBe(true);
    expect(new X509Certificate(bundle.slice('EXISTING BUNDLE\n'.length)).subject).toContain('apko-nx test CA one');
    // The bundle keeps its package owner but loses the package checksum: its content changed.
    expect(tree.get(BUNDLE)).toMatchObject({ owner: 'ca-certificates-bundle' });
    expect(tree.get(BUNDLE)!.sha1).toBeUndefined();
  });

  it('adds the certificates that provider packages install', () => {
    const tree = treeWithBundle();
    tree.mkdirAll('usr/local/share/ca-certificates/extra');
    tree.writeFile('usr/local/share/ca-certificates/extra/two.crt', TEST_CA_TWO, { owner: 'corp-certs' });
    tree.writeFile('usr/local/share/ca-certificates/extra/other.crt', TEST_CA_ONE, { owner: 'unrelated' });
    const provider = makePackage({ name: 'corp-certs', version: '1-r0', provides: ['corp-ca'], entries: [file('usr/local/share/ca-certificates/extra/two.crt', TEST_CA_TWO)] });
    installCertificates(tree, { certificates: { additional: [], providers: ['corp-ca'] }, installed: [provider], buildDate: 0 });
    const bundle = tree.readFile(BUNDLE)!.toString();
    expect(bundle).toContain(new X509Certificate(TEST_CA_TWO).toString().trim());
    expect(bundle).not.toContain(new X509Certificate(TEST_CA_ONE).toString().trim());
  });

  it('always writes the bundle checksum sidecar, even without a certificates block', () => {
    const tree = treeWithBundle('abc');
    installCertificates(tree, { installed: [], buildDate: 42 });
    expect(tree.readFile('etc/ssl/certs/.ca-certificates.crt.sha256')!.toString()).toBe(`${sha256('abc')}  ca-certificates.crt\n`);
    expect(tree.get('etc/ssl/certs/.ca-certificates.crt.sha256')).toMatchObject({ mode: 0o444, mtime: 42 });
  });

  it('writes nothing when the image has no bundle and no certificates are configured', () => {
    const tree = new Tree();
    installCertificates(tree, { installed: [], buildDate: 0 });
    expect(tree.entries()).toEqual([]);
  });

  it.each([
    ['a private key', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'],
    ['two certificates', `${TEST_CA_ONE}\n${TEST_CA_TWO}`],
    ['garbage', 'not a certificate'],
  ])('rejects %s as an additional certificate, naming the entry', (_what, content) => {
    const run = () => installCertificates(treeWithBundle(), { certificates: { additional: [{ name: 'bad', content }], providers: [] }, installed: [], buildDate: 0 });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow('certificates.additional[0] "bad" must be exactly one PEM CERTIFICATE block');
  });
});
