import { describe, expect, it } from 'vitest';
import { ConfigError, OutputError } from './errors';
import { defaultImageTag } from './defaults';
import { normalizeBuildRequest } from './image/request';
import { canonicalRegistry, checkBuildTag, formatReference, imageNameFor, parseReference, splitReference, splitTag } from './reference';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseReference', () => {
  it.each([
    ['alpine', 'index.docker.io', 'library/alpine', 'latest', undefined],
    ['alpine:3.20', 'index.docker.io', 'library/alpine', '3.20', undefined],
    ['docker.io/acme/app', 'index.docker.io', 'acme/app', 'latest', undefined],
    ['registry-1.docker.io/alpine:edge', 'index.docker.io', 'library/alpine', 'edge', undefined],
    ['ghcr.io/acme/app:v1.0.0', 'ghcr.io', 'acme/app', 'v1.0.0', undefined],
    ['127.0.0.1:5000/app', '127.0.0.1:5000', 'app', 'latest', undefined],
    ['localhost/app:dev', 'localhost', 'app', 'dev', undefined],
    ['localhost:5000/a/b/c:x_y-z.1', 'localhost:5000', 'a/b/c', 'x_y-z.1', undefined],
    ['[::1]:5000/app', '[::1]:5000', 'app', 'latest', undefined],
    ['ghcr.io/acme/my_app__x-y.z', 'ghcr.io', 'acme/my_app__x-y.z', 'latest', undefined],
    [`ghcr.io/acme/app@${D}`, 'ghcr.io', 'acme/app', undefined, D],
    [`ghcr.io/acme/app:1@${D}`, 'ghcr.io', 'acme/app', '1', D],
  ])('reads %s', (input, registry, repository, tag, digest) => {
    const ref = parseReference(input);
    expect(ref).toEqual({ registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) });
  });

  it.each([
    ['', 'the repository is empty'],
    ['ghcr.io/', 'the repository is empty'],
    ['ghcr.io/Acme/app', 'the repository component "Acme" must be lowercase letters and digits, separated by ., _, __ or -'],
    ['ghcr.io/acme//app', 'the repository component "" must be'],
    ['ghcr.io/acme/app:', 'the tag "" must be 1–128 of [A-Za-z0-9_.-], not starting with . or -'],
    ['ghcr.io/acme/app:-x', 'the tag "-x" must be'],
    [`ghcr.io/acme/app:${'x'.repeat(129)}`, 'must be 1–128 of'],
    ['ghcr.io/acme/app@sha256:abc', '"sha256:abc" is not a sha256 digest'],
    ['bad_host.io/app', '"bad_host.io" is not a registry host[:port]'],
    [`ghcr.io/${'a'.repeat(250)}`, 'the name is longer than 255 characters'],
  ])('rejects %j', (input, why) => {
    let err: unknown;
    try {
      parseReference(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('ECONFIG');
    expect((err as ConfigError).message.startsWith(`"${input}" is not a valid image reference: `)).toBe(true);
    expect((err as ConfigError).message).toContain(why);
    expect((err as ConfigError).hint).toContain('host[:port]/repository[:tag]');
  });
});

describe('formatReference', () => {
  it('prints the canonical form that parses back to the same reference', () => {
    for (const s of ['alpine', 'ghcr.io/acme/app:1', `127.0.0.1:5000/app@${D}`]) {
      const ref = parseReference(s);
      expect(parseReference(formatReference(ref))).toEqual(ref);
    }
    expect(formatReference(parseReference('alpine'))).toBe('index.docker.io/library/alpine:latest');
  });
});

describe('splitReference', () => {
  it.each([
    ['myimage', { name: 'myimage' }],
    ['myimage:latest', { name: 'myimage', tag: 'latest' }],
    ['registry:5000/team/app', { name: 'registry:5000/team/app' }],
    ['registry:5000/team/app:1.0', { name: 'registry:5000/team/app', tag: '1.0' }],
    [`ghcr.io/acme/app:1@${D}`, { name: 'ghcr.io/acme/app', tag: '1', digest: D }],
    ['App@sha256:abc', { name: 'App', digest: 'sha256:abc' }],
  ])('cuts %s without judging it', (input, parts) => {
    expect(splitReference(input)).toEqual(parts);
  });
});

describe('splitTag', () => {
  it.each([
    ['myimage', ['myimage', 'latest']],
    ['myimage:1.0', ['myimage', '1.0']],
    ['localhost:5000/team/app', ['localhost:5000/team/app', 'latest']],
  ])('tags %s as %j', (ref, want) => {
    expect(splitTag(ref)).toEqual(want);
  });

  it.each(['', `app@${D}`])('refuses %j with an OutputError', (ref) => {
    expect(() => splitTag(ref)).toThrow(OutputError);
    expect(() => splitTag(ref)).toThrow(`"${ref}" is not a tag reference`);
  });
});

describe('canonicalRegistry', () => {
  it.each([
    ['docker.io', 'index.docker.io'],
    ['Registry-1.Docker.IO', 'index.docker.io'],
    ['ghcr.io', 'ghcr.io'],
    ['127.0.0.1:5000', '127.0.0.1:5000'],
  ])('names %s %s', (host, want) => {
    expect(canonicalRegistry(host)).toBe(want);
  });
});

describe('checkBuildTag', () => {
  it.each(['app', 'app:1.0', 'ghcr.io/acme/app:latest', '127.0.0.1:5000/a/b:x_y'])('accepts %s', (tag) => {
    expect(() => checkBuildTag(tag)).not.toThrow();
  });

  it.each([
    ['Bad:1', /the tag "Bad:1" is not a valid image reference: the repository component "Bad"/],
    ['app:-x', /the tag "-x" must be/],
    ['app:', /the tag "" must be/],
    ['app@sha256:abc', /the tag "app@sha256:abc" names a digest/],
    ['a b:1', /"a b" must be lowercase/],
    ['@ws/api:1.0', /the tag "@ws\/api:1.0" is not a valid image reference: a name cannot start with @/],
  ])('refuses %s with a hint, as publish would', (tag, message) => {
    const e = (() => {
      try {
        checkBuildTag(tag);
      } catch (err) {
        return err as ConfigError;
      }
      throw new Error('accepted');
    })();
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toMatch(message);
    expect(e.hint).toMatch(/\S/);
  });

  it('says what to write for a scoped project name', () => {
    expect(() => checkBuildTag('@ws/api:1.0')).toThrow(expect.objectContaining({ hint: 'write the scoped name without its @, e.g. ws/api:1.0 (as the default tag does)' }));
  });
});

describe('imageNameFor and defaultImageTag', () => {
  it.each([
    ['api', 'api'],
    ['@ws/api', 'ws/api'],
    ['@My-Org/API_Server', 'my-org/api_server'],
    ['apps/web.v2', 'apps/web.v2'],
    ['my app!', 'my-app'],
    ['a..b', 'a-b'],
    ['-lead_', 'lead'],
    ['a__b', 'a__b'],
    ['@/x', 'x'],
    ['!!!', 'image'],
  ])('maps the project name %j to the image name %j', (project, name) => {
    expect(imageNameFor(project)).toBe(name);
    expect(() => checkBuildTag(defaultImageTag(project))).not.toThrow();
  });

  it('adds the stem of a <stem>.apko.yaml and the latest tag', () => {
    expect(defaultImageTag('@ws/api')).toBe('ws/api:latest');
    expect(defaultImageTag('@ws/api', 'apps/api/debug.apko.yaml')).toBe('ws/api-debug:latest');
    expect(defaultImageTag('api', 'apps/api/apko.yaml')).toBe('api:latest');
  });

  it('is checked in normalizeBuildRequest, so every shell refuses a tag publish would refuse', () => {
    expect(() => normalizeBuildRequest({ config: 'apko.yaml', tag: '@ws/api:latest', cwd: '/w', env: {} })).toThrow(/the tag "@ws\/api:latest" is not a valid image reference/);
    expect(normalizeBuildRequest({ config: 'apko.yaml', tag: 'ws/api:latest', cwd: '/w', env: {} }).tag).toBe('ws/api:latest');
  });
});
