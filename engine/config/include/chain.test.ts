import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors';
import { parseArch } from '../../arch';
import { loadImageConfig } from '../load';
import { MAX_CONFIG_BYTES, MAX_INCLUDE_DEPTH } from './chain';

const root = mkdtempSync(join(tmpdir(), 'apko-config-include-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function dir(files: Record<string, string>): string {
  const d = join(root, `case-${n++}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(d, name, '..'), { recursive: true });
    writeFileSync(join(d, name), text);
  }
  return d;
}
const opts = (cwd: string) => ({ cwd, env: {}, host: parseArch('amd64') });

describe('include', () => {
  it('merges the included file under the including one and hashes both files in reading order', async () => {
    const cwd = dir({
      'apko.yaml': 'include: base/base.yaml\ncontents:\n  packages: [nano]\ncmd: /bin/ash\n',
      'base/base.yaml': 'contents:\n  repositories: [https://r/main]\n  packages: [alpine-base]\ncmd: /bin/sh -l\narchs: [amd64, arm64]\n',
    });
    const loaded = await loadImageConfig('apko.yaml', {}, opts(cwd));
    expect(loaded.config.contents.packages).toEqual(['alpine-base', 'nano']);
    expect(loaded.config.contents.repositories).toEqual(['https://r/main']);
    expect(loaded.config.cmd).toBe('/bin/ash');
    expect(loaded.config.include).toBe('base/base.yaml');
    expect(loaded.archs.map((a) => a.oci)).toEqual(['amd64', 'arm64']);
    expect(loaded.files).toEqual([join(cwd, 'apko.yaml'), join(cwd, 'base/base.yaml')]);
    const hash = createHash('sha256').update(readFileSync(join(cwd, 'apko.yaml'))).update(readFileSync(join(cwd, 'base/base.yaml')));
    expect(loaded.checksum).toBe(`sha256-${hash.digest('base64')}`);
    expect(loaded.warnings).toEqual(['apko.yaml:1:10: include is deprecated in apko; it still works here']);
  });

  it('follows includes recursively', async () => {
    const cwd = dir({
      'a.yaml': 'include: b.yaml\ncontents: {packages: [a]}\n',
      'b.yaml': 'include: c.yaml\ncontents: {packages: [b]}\n',
      'c.yaml': 'contents: {packages: [c]}\n',
    });
    const loaded = await loadImageConfig('a.yaml', {}, opts(cwd));
    expect(loaded.config.contents.packages).toEqual(['c', 'b', 'a']);
    expect(loaded.files.map((f) => f.slice(cwd.length + 1))).toEqual(['a.yaml', 'b.yaml', 'c.yaml']);
  });

  it('resolves an include against the working directory first, as apko does', async () => {
    const cwd = dir({
      'conf/apko.yaml': 'include: base.yaml\n',
      'base.yaml': 'cmd: from-cwd\n',
      'conf/base.yaml': 'cmd: from-conf\n',
    });
    const loaded = await loadImageConfig('conf/apko.yaml', {}, opts(cwd));
    expect(loaded.config.cmd).toBe('from-cwd');
  });

  it('then under each --include-paths prefix', async () => {
    const cwd = dir({ 'apko.yaml': 'include: base.yaml\n', 'lib/base.yaml': 'cmd: from-lib\n' });
    const loaded = await loadImageConfig('apko.yaml', { includePaths: ['lib'] }, opts(cwd));
    expect(loaded.config.cmd).toBe('from-lib');
  });

  it('falls back to the including file’s directory, with a warning', async () => {
    const cwd = dir({ 'conf/apko.yaml': 'include: base.yaml\n', 'conf/base.yaml': 'cmd: from-conf\n' });
    const loaded = await loadImageConfig('conf/apko.yaml', {}, opts(cwd));
    expect(loaded.config.cmd).toBe('from-conf');
    expect(loaded.warnings).toContain(
      'conf/apko.yaml:1:10: include: "base.yaml" was found next to conf/apko.yaml (conf/base.yaml); apko looks only in the working directory and --include-paths',
    );
  });

  it('refuses an include cycle at the include line', async () => {
    const cwd = dir({ 'a.yaml': 'include: b.yaml\n', 'b.yaml': 'cmd: x\ninclude: a.yaml\n' });
    const e = (await loadImageConfig('a.yaml', {}, opts(cwd)).catch((x: unknown) => x)) as ConfigError;
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe('b.yaml:2:10: include: include cycle: a.yaml → b.yaml → a.yaml');
    expect({ file: e.file, line: e.line, column: e.column }).toEqual({ file: 'b.yaml', line: 2, column: 10 });
  });

  it('refuses a file that includes itself', async () => {
    const cwd = dir({ 'a.yaml': 'include: ./a.yaml\n' });
    const e = (await loadImageConfig('a.yaml', {}, opts(cwd)).catch((x: unknown) => x)) as ConfigError;
    expect(e.message).toBe('a.yaml:1:10: include: include cycle: a.yaml → a.yaml');
  });

  it('names the include line when the included file is missing', async () => {
    const cwd = dir({ 'apko.yaml': 'cmd: x\ninclude: nope.yaml\n' });
    const e = (await loadImageConfig('apko.yaml', {}, opts(cwd)).catch((x: unknown) => x)) as ConfigError;
    expect(e.message).toBe(`apko.yaml:2:10: include: cannot find "nope.yaml" (looked for ${join(cwd, 'nope.yaml')})`);
  });

  it('points errors inside an included file at that file', async () => {
    const cwd = dir({ 'apko.yaml': 'include: base.yaml\n', 'base.yaml': 'contents:\n  pakages: []\n' });
    const e = (await loadImageConfig('apko.yaml', {}, opts(cwd)).catch((x: unknown) => x)) as ConfigError;
    expect(e.message).toMatch(/^base\.yaml:2:3: contents\.pakages: unknown key "pakages"/);
  });

  it.each([
    ['a user name', 'accounts:\n  users: [{username: app, uid: 1001}]\n', 'apko.yaml:3:22: accounts.users[0].username: user name "app" is already used (base.yaml:2:11)'],
    ['a uid', 'accounts:\n  users: [{username: web, uid: 1000}]\n', 'apko.yaml:3:32: accounts.users[0].uid: uid 1000 is already used (base.yaml:2:11)'],
    ['a group name', 'accounts:\n  groups: [{groupname: app, gid: 7}]\n', 'apko.yaml:3:24: accounts.groups[0].groupname: group name "app" is already used (base.yaml:3:12)'],
  ])('points %s used twice across an include at the later entry', async (_, own, message) => {
    const cwd = dir({
      'apko.yaml': `include: base.yaml\n${own}`,
      'base.yaml': 'accounts:\n  users: [{username: app, uid: 1000}]\n  groups: [{groupname: app, gid: 1000}]\n',
    });
    const e = (await loadImageConfig('apko.yaml', {}, opts(cwd)).catch((x: unknown) => x)) as ConfigError;
    expect(e.message).toBe(message);
    expect(e.hint).toMatch(/its own/);
  });

  it('points a duplicate runtime key at the later entry, in whichever file it is', async () => {
    const cwd = dir({
      'apko.yaml': 'include: base.yaml\ncontents:\n  runtime_keyring:\n    - {name: k.rsa.pub, content: B}\n',
      'base.yaml': 'contents:\n  runtime_keyring:\n    - {name: k.rsa.pub, content: A}\n',
    });
    const e = (await loadImageConfig('apko.yaml', {}, opts(cwd)).catch((x: unknown) => x)) as ConfigError;
    expect(e.message).toBe('apko.yaml:4:14: contents.runtime_keyring[0].name: runtime key name "k.rsa.pub" is already used (base.yaml:3:7)');
  });

  it('refuses an include chain deeper than the limit at the include line that passes it', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i <= MAX_INCLUDE_DEPTH; i++) files[`c${i}.yaml`] = `include: c${i + 1}.yaml\n`;
    files[`c${MAX_INCLUDE_DEPTH + 1}.yaml`] = 'cmd: x\n';
    const e = (await loadImageConfig('c0.yaml', {}, opts(dir(files))).catch((x: unknown) => x)) as ConfigError;
    expect(e.message).toBe(`c${MAX_INCLUDE_DEPTH - 1}.yaml:1:10: include: the include chain is deeper than ${MAX_INCLUDE_DEPTH} files`);
    expect(e.hint).toMatch(/merge/);
  });

  it('refuses a config larger than the limit without parsing it', async () => {
    const cwd = dir({ 'small.yaml': 'cmd: x\n' });
    writeFileSync(join(cwd, 'big.yaml'), `cmd: x\n#${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
    const e = (await loadImageConfig('big.yaml', {}, opts(cwd)).catch((x: unknown) => x)) as ConfigError;
    expect(e.message).toBe(`big.yaml: the config is larger than ${MAX_CONFIG_BYTES} bytes`);
  });

  it.each([['/dev/zero'], ['/etc']])('refuses an include of %s, which is not a regular file, without reading it', async (target) => {
    const cwd = dir({ 'apko.yaml': `cmd: x\ninclude: ${target}\n` });
    const e = (await loadImageConfig('apko.yaml', {}, opts(cwd)).catch((x: unknown) => x)) as ConfigError;
    expect(e.message).toBe(`apko.yaml:2:10: include: "${target}" is not a regular file (${target})`);
    expect(e.hint).toBe('name an apko YAML file');
  });
});
