import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quote as goJsonString } from '../json';
import { apkoJson } from './apko-json';
import { parseArch } from '../arch';
import { finalizeConfig } from './normalize';
import { applyOverrides, normalizeOverrides } from './overrides';
import { parseConfigText } from './parse';

const testdata = (name: string) => readFileSync(join(__dirname, 'testdata', name), 'utf8');
const load = (text: string) => finalizeConfig(parseConfigText(text, 'apko.yaml').config);
const amd64 = parseArch('amd64');

describe('apkoJson', () => {
  it('reproduces apko’s golden /etc/apko.json byte for byte', () => {
    const config = finalizeConfig(
      applyOverrides(
        parseConfigText(testdata('golden.apko.yaml'), 'apko.yaml').config,
        normalizeOverrides({ annotations: ['org.opencontainers.image.title:Title', 'org.opencontainers.image.vendor:Vendor'] }),
      ),
    );
    const json = apkoJson(config, { archs: [amd64], packages: ['pretend-baselayout=1.0.0-r0', 'replayout=1.0.0-r0'] });
    expect(json).toBe(testdata('golden.apko.amd64.json'));
    expect(Buffer.byteLength(json)).toBe(329);
  });

  it('writes repository, keyring and vcs-url locations without their credentials', () => {
    const config = load(
      'contents:\n  repositories: [https://me:t0ken@a.example/os]\n  build_repositories: ["@b https://t0ken@b.example/os"]\n  runtime_repositories: [https://me:t0ken@c.example/os]\n  keyring: [https://me:t0ken@a.example/k.rsa.pub]\nvcs-url: https://me:t0ken@git.example/app@abc\n',
    );
    const json = apkoJson(config, { archs: [amd64], packages: [] });
    expect(json).not.toContain('t0ken');
    expect(JSON.parse(json)).toMatchObject({
      contents: { repositories: ['https://a.example/os'], build_repositories: ['@b https://b.example/os'], runtime_repositories: ['https://c.example/os'], keyring: ['https://a.example/k.rsa.pub'] },
      'vcs-url': 'https://git.example/app@abc',
    });
  });

  it('writes every field in Go struct order with Go’s escaping', () => {
    const config = load(testdata('everything.yaml'));
    const json = apkoJson(config, { archs: [parseArch('aarch64')], packages: ['nginx=1.25.3-r0', 's6=2.12-r1', 'wolfi-baselayout=20230201-r7'] });
    expect(json).toBe(testdata('everything.arm64.json'));
    expect(json).toContain('"annotations":{"org.opencontainers.image.title":"nginx","org.opencontainers.image.vendor":"Example \\u003cops@example.com\\u003e \\u0026 co"}');
  });

  it('always writes contents, entrypoint and accounts (Go never omits a struct)', () => {
    expect(apkoJson(load('cmd: x'), { archs: [amd64], packages: [] })).toBe('{"contents":{},"entrypoint":{},"cmd":"x","accounts":{},"archs":["amd64"]}\n');
  });

  it('writes arm variants in OCI form', () => {
    expect(apkoJson(load('cmd: x'), { archs: [parseArch('armv7')], packages: [] })).toContain('"archs":["arm/v7"]');
  });

  it('omits zero numbers except where apko uses pointers', () => {
    const json = apkoJson(load('accounts:\n  groups: [{groupname: root2, gid: 0}]\n  users: [{username: u, uid: 5, gid: 0}]\npaths: [{path: /x, type: directory, uid: 0, gid: 0, permissions: 0}]'), {
      archs: [amd64],
      packages: [],
    });
    expect(json).toContain('"groups":[{"groupname":"root2"}]');
    expect(json).toContain('"users":[{"username":"u","uid":5,"gid":0,"homedir":"/home/u"}]');
    expect(json).toContain('"paths":[{"path":"/x","type":"directory","uid":0,"gid":0}]');
  });

  it('keeps include and an empty layering block as apko does', () => {
    expect(apkoJson(load('include: base.yaml\nlayering: {}'), { archs: [amd64], packages: [] })).toBe(
      '{"contents":{},"entrypoint":{},"accounts":{},"archs":["amd64"],"include":"base.yaml","layering":{}}\n',
    );
  });
});

describe('goJsonString', () => {
  it.each([
    ['a<b>c&d', '"a\\u003cb\\u003ec\\u0026d"'],
    ['line\u2028sep\u2029', '"line\\u2028sep\\u2029"'],
    ['tab\tnl\ncr\rbs\\q"', '"tab\\tnl\\ncr\\rbs\\\\q\\""'],
    ['\u0001\u001f', '"\\u0001\\u001f"'],
    ['/slash', '"/slash"'],
    ['ü €', '"ü €"'],
  ])('encodes %j as Go does', (input, output) => {
    expect(goJsonString(input)).toBe(output);
  });
});
