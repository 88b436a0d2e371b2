import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../e2e/support/env';
import { parseArch } from '../arch';
import { loadImageConfig } from './load';
import { finalizeConfig } from './normalize';
import { parseConfigText } from './parse';
import { printConfig } from './print';

const examples = fixture('apko-examples');

describe.skipIf(!examples)('apko’s example configs', () => {
  // include.yaml and overlay.yaml name `examples/alpine-base.yaml`, a path
  // relative to apko's repository root, so the folder is copied to
  // <tmp>/examples and loaded with <tmp> as the working directory.
  let cwd = '';
  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'apko-examples-'));
    cpSync(examples!, join(cwd, 'examples'), { recursive: true });
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  const names = examples ? readdirSync(examples).filter((n) => n.endsWith('.yaml')).sort() : [];
  const opts = () => ({ cwd, env: {}, host: parseArch('amd64') });

  it('has the examples the fixtures README lists', () => {
    expect(names).toEqual(expect.arrayContaining(['alpine-base.yaml', 'include.yaml', 'overlay.yaml', 'nginx.yaml', 'runtime-keyring.yaml']));
  });

  it.each(names)('loads, validates and prints back %s', async (name) => {
    const loaded = await loadImageConfig(`examples/${name}`, {}, opts());
    const printed = printConfig(loaded.config);
    const again = finalizeConfig(parseConfigText(printed, `${name} (printed)`).config);
    expect(again).toEqual({ ...loaded.config, include: undefined });
    expect(loaded.checksum).toMatch(/^sha256-[A-Za-z0-9+/]{43}=$/);
  });

  it('merges overlay.yaml over alpine-base.yaml', async () => {
    const { config, files } = await loadImageConfig('examples/overlay.yaml', {}, opts());
    expect(files).toEqual([join(cwd, 'examples/overlay.yaml'), join(cwd, 'examples/alpine-base.yaml')]);
    expect(config.contents.packages).toEqual(['alpine-base', 'nano']);
    expect(config.cmd).toBe('/bin/sh -l');
    expect(config.archs).toEqual(['amd64', 'arm64']);
  });

  it('gives include.yaml the configuration of the file it includes', async () => {
    const included = await loadImageConfig('examples/include.yaml', {}, opts());
    const base = await loadImageConfig('examples/alpine-base.yaml', {}, opts());
    expect({ ...included.config, include: undefined }).toEqual(base.config);
    expect(included.config.include).toBe('examples/alpine-base.yaml');
    expect(included.checksum).not.toBe(base.checksum);
  });

  it('reads nginx.yaml’s service bundle, accounts and octal permissions', async () => {
    const { config, archs } = await loadImageConfig('examples/nginx.yaml', {}, opts());
    expect(config.entrypoint.command).toBe('/bin/s6-svscan /sv');
    expect(config.contents.packages).toEqual(['wolfi-baselayout', 'nginx', 's6']);
    expect(config.accounts.users).toEqual([{ username: 'nginx', uid: 10000, homedir: '/home/nginx' }]);
    expect(config.paths.map((p) => p.permissions)).toEqual([0o755, 0o644]);
    expect(archs.map((a) => a.apk)).toEqual(['x86_64']);
  });
});
