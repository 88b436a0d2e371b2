import { describe, expect, it } from 'vitest';
import { apkPurl, encodePurlComponent, githubPurl, ociPurl, parseImageRef } from './purl';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('apkPurl', () => {
  it('names the distro as namespace and qualifier, with arch first', () => {
    expect(apkPurl({ name: 'busybox', version: '1.36.1-r5', arch: 'x86_64' }, 'alpine')).toBe(
      'pkg:apk/alpine/busybox@1.36.1-r5?arch=x86_64&distro=alpine',
    );
  });

  it('percent-encodes + and other reserved characters in names and versions', () => {
    expect(apkPurl({ name: 'libstdc++', version: '12.2.1_git20220924-r10', arch: 'aarch64' }, 'wolfi')).toBe(
      'pkg:apk/wolfi/libstdc%2B%2B@12.2.1_git20220924-r10?arch=aarch64&distro=wolfi',
    );
    expect(apkPurl({ name: 'a b#c?d@e', version: '1:2-r0', arch: 'x86_64' }, 'wolfi')).toBe(
      'pkg:apk/wolfi/a%20b%23c%3Fd%40e@1%3A2-r0?arch=x86_64&distro=wolfi',
    );
  });

  it('lowercases namespace and name, as the apk purl type requires', () => {
    expect(apkPurl({ name: 'Py3-Foo', version: '1-r0', arch: 'noarch' }, 'Wolfi')).toBe(
      'pkg:apk/wolfi/py3-foo@1-r0?arch=noarch&distro=wolfi',
    );
  });

  it('uses the unknown namespace and no distro qualifier without an os-release', () => {
    expect(apkPurl({ name: 'replayout', version: '1.0.0-r0', arch: 'x86_64' })).toBe(
      'pkg:apk/unknown/replayout@1.0.0-r0?arch=x86_64',
    );
  });
});

describe('ociPurl', () => {
  it('encodes the digest and sorts the qualifiers by key', () => {
    expect(
      ociPurl({
        name: 'nginx',
        digest: DIGEST,
        os: 'linux',
        arch: 'amd64',
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        repositoryUrl: 'cgr.dev/chainguard/nginx',
        tag: 'latest',
      }),
    ).toBe(
      `pkg:oci/nginx@sha256%3A${'ab'.repeat(32)}?arch=amd64&mediaType=application%2Fvnd.oci.image.manifest.v1%2Bjson` +
        '&os=linux&repository_url=cgr.dev%2Fchainguard%2Fnginx&tag=latest',
    );
  });

  it('leaves out qualifiers that have no value', () => {
    expect(ociPurl({ name: 'image', digest: DIGEST, mediaType: 'application/vnd.oci.image.index.v1+json' })).toBe(
      `pkg:oci/image@sha256%3A${'ab'.repeat(32)}?mediaType=application%2Fvnd.oci.image.index.v1%2Bjson`,
    );
  });
});

describe('parseImageRef', () => {
  it.each([
    [undefined, { name: 'image' }],
    ['', { name: 'image' }],
    ['nginx', { name: 'nginx', repositoryUrl: 'nginx' }],
    ['cgr.dev/chainguard/Nginx:1.25', { name: 'nginx', repositoryUrl: 'cgr.dev/chainguard/Nginx', tag: '1.25' }],
    ['localhost:5000/app', { name: 'app', repositoryUrl: 'localhost:5000/app' }],
    ['localhost:5000/app:dev', { name: 'app', repositoryUrl: 'localhost:5000/app', tag: 'dev' }],
    [`ghcr.io/o/app@${DIGEST}`, { name: 'app', repositoryUrl: 'ghcr.io/o/app' }],
  ])('splits %j', (ref, parts) => {
    expect(parseImageRef(ref)).toEqual(parts);
  });
});

describe('githubPurl', () => {
  it.each([
    ['https://github.com/Chainguard-Dev/apko', 'pkg:github/chainguard-dev/apko@abc123'],
    ['https://github.com/org/repo.git', 'pkg:github/org/repo@abc123'],
    ['git+ssh://git@github.com/org/repo', 'pkg:github/org/repo@abc123'],
  ])('makes a github purl for %s', (url, purl) => {
    expect(githubPurl(url, 'abc123')).toBe(purl);
  });

  it('returns undefined for other hosts', () => {
    expect(githubPurl('https://gitlab.com/org/repo', 'abc')).toBeUndefined();
  });
});

describe('encodePurlComponent', () => {
  it('encodes UTF-8 bytes with uppercase hex and keeps unreserved characters', () => {
    expect(encodePurlComponent('aZ09.-_~ é/')).toBe('aZ09.-_~%20%C3%A9%2F');
  });
});
