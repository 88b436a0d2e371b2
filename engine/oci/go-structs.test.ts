import { describe, expect, it } from 'vitest';
import { encodeJson } from '../json';
import { configFileJson, decodeConfigFile, decodeManifest, goTime } from './go-structs';

const at = { file: 'config.json', path: 'created' };

describe("a base image's config and manifest, as go-containerregistry reads them again", () => {
  it('re-formats times as Go marshals a parsed time', () => {
    expect(goTime('2023-11-14T22:21:40Z', at)).toBe('2023-11-14T22:21:40Z');
    expect(goTime('2023-11-14T22:21:40.120000+00:00', at)).toBe('2023-11-14T22:21:40.12Z');
    expect(goTime('2023-11-14T22:21:40+02:00', at)).toBe('2023-11-14T22:21:40+02:00');
    expect(goTime(undefined, at)).toBe('0001-01-01T00:00:00Z');
    expect(() => goTime('yesterday', at)).toThrow(/config\.json: created: "yesterday" is not an RFC 3339 time/);
  });

  it('drops fields the structs lack, matches keys ignoring case, and orders fields and map keys as Go', () => {
    const c = decodeConfigFile({
      os: 'linux', architecture: 'amd64', extra: 1, created: '2023-11-14T22:21:40Z',
      rootfs: { type: 'layers', diff_ids: ['sha256:aa'] },
      history: [{ created_by: 'x', created: '2023-11-14T22:21:40Z' }],
      config: { workingdir: '/w', Labels: { b: '2', a: '1' }, ExposedPorts: { '80/tcp': {} }, Env: [] },
    }, 'config.json');
    expect(encodeJson(configFileJson(c, 'layers'))).toBe(
      '{"architecture":"amd64","created":"2023-11-14T22:21:40Z","history":[{"created":"2023-11-14T22:21:40Z","created_by":"x"}],"os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:aa"]},"config":{"Labels":{"a":"1","b":"2"},"WorkingDir":"/w","ExposedPorts":{"80/tcp":{}}}}',
    );
  });

  it('refuses a manifest whose layer digest is not a sha256 digest', () => {
    expect(() => decodeManifest({ schemaVersion: 2, config: { mediaType: 'x', size: 1, digest: `sha256:${'0'.repeat(64)}` }, layers: [{ mediaType: 'y', size: 1, digest: '../../etc/passwd' }] }, 'manifest.json'))
      .toThrow(/manifest\.json: layers\[0\]\.digest: "\.\.\/\.\.\/etc\/passwd" is not a sha256 digest/);
  });
});
