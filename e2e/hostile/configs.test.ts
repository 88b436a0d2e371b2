import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { MAX_CONFIG_BYTES, MAX_INCLUDE_DEPTH } from '../../engine/config/include/chain';
import { hostile, layoutDigest, Sandbox, type Refusal } from './support/sandbox';

/**
 * Hostile configurations: values that would inject lines into /etc/passwd or
 * entries into the image config, paths that climb out of the image, names
 * nobody defines, and YAML built to exhaust or confuse the loader. Every
 * refusal names the file (with line and column where the YAML has one) and
 * the key, and leaves the previous output and the cache as they were.
 */
describe('hostile: configs', () => {
  let sb: Sandbox;
  let n = 0;
  beforeAll(async () => {
    sb = await Sandbox.create();
  });

  /** Writes a config made of the sandbox's good contents and `extra`; returns its name. */
  function config(extra: string): string {
    const name = `c${n++}.yaml`;
    sb.write(name, sb.config({ extra }));
    return name;
  }

  /** The config built must be refused, naming the config file, each of `names` and a hint. */
  async function refused(extra: string, names: Refusal['names'], args: readonly string[] = []): Promise<string> {
    const name = config(extra);
    const r = await sb.refuses(() => sb.build(name, args), { names: [name, ...names] });
    return r.stderr;
  }

  /** Builds `name` into a fresh layout and returns the image config of its one manifest. */
  function accepted(name: string): { config: { User?: string; Env?: string[] } } {
    const dir = mkdtempSync(join(tmpdir(), 'hostile-accepted-'));
    try {
      const r = sb.run(['build', name, 'hostile:ok', `${dir}/`]);
      expect(r.code, r.stderr).toBe(0);
      const blob = (d: string) => JSON.parse(readFileSync(join(dir, 'blobs', 'sha256', d.slice('sha256:'.length)), 'utf8'));
      const index = blob(layoutDigest(dir)) as { manifests: { digest: string }[] };
      const manifest = blob(index.manifests[0]!.digest) as { config: { digest: string } };
      return blob(manifest.config.digest);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  // accounts

  hostile('configs/run-as-unknown-user', 'run-as naming a user that neither accounts.users nor the packages define is refused', async () => {
    await refused('accounts:\n  run-as: ghost\n', ['accounts.run-as', '"ghost"']);
  });

  hostile('configs/run-as-unknown-group', 'run-as user:group with a group the image does not define is refused', async () => {
    await refused('accounts:\n  run-as: root:ghosts\n', ['accounts.run-as', '"ghosts"']);
  });

  hostile('configs/run-as-numeric-accepted', 'a numeric run-as needs no account, as in apko, and becomes the image user', async () => {
    expect(accepted(config('accounts:\n  run-as: "65532:65532"\n')).config.User).toBe('65532:65532');
  });

  hostile('configs/run-as-package-user-accepted', "a run-as name from a package's /etc/passwd is accepted and resolved to its uid", async () => {
    expect(accepted(config('accounts:\n  run-as: root\n')).config.User).toBe('0');
  });

  hostile('configs/user-duplicate-uid', 'two configured users with one uid are refused at the second', async () => {
    await refused('accounts:\n  users:\n    - {username: a, uid: 1000}\n    - {username: b, uid: 1000}\n', ['accounts.users[1].uid', 'uid 1000 is already used']);
  });

  hostile('configs/user-duplicate-name', 'two configured users with one name are refused at the second', async () => {
    await refused('accounts:\n  users:\n    - {username: a, uid: 1000}\n    - {username: a, uid: 1001}\n', ['accounts.users[1].username', 'user name "a" is already used']);
  });

  hostile('configs/user-name-passwd-injection', 'a user name carrying ":" (a whole extra passwd line with uid 0) is refused', async () => {
    await refused('accounts:\n  users:\n    - {username: "evil:x:0:0::/:/bin/sh", uid: 1000}\n', ['accounts.users[0].username', '":"']);
  });

  hostile('configs/user-name-newline', 'a user name with a newline (a second passwd line) is refused', async () => {
    await refused('accounts:\n  users:\n    - {username: "app\\nroot2:x:0:0::/:/bin/sh", uid: 1000}\n', ['accounts.users[0].username', 'control character']);
  });

  hostile('configs/user-home-outside', 'a home directory climbing above / with ".." is refused', async () => {
    await refused('accounts:\n  users:\n    - {username: app, uid: 1000, homedir: /home/../../../outside}\n', ['accounts.users[0].homedir', '".."']);
  });

  hostile('configs/user-shell-newline', 'a shell with a newline is refused', async () => {
    await refused('accounts:\n  users:\n    - {username: app, uid: 1000, shell: "/bin/sh\\nx"}\n', ['accounts.users[0].shell', 'control character']);
  });

  hostile('configs/user-gid-unknown', 'a primary gid that no group of the image has is refused', async () => {
    await refused('accounts:\n  users:\n    - {username: app, uid: 1000, gid: 4242}\n', ['user "app" has gid 4242']);
  });

  hostile('configs/group-name-newline', 'a group name with a newline (a second group line) is refused', async () => {
    await refused('accounts:\n  groups:\n    - {groupname: "app\\nwheel:x:0:app", gid: 3000}\n', ['accounts.groups[0].groupname', 'control character']);
  });

  hostile('configs/run-as-bad-form', 'a run-as with more than user:group is refused where it is written', async () => {
    await refused('accounts:\n  run-as: "root:root:root"\n', [/:\d+:\d+: accounts\.run-as/, 'not user or user:group']);
  });

  hostile('configs/group-duplicate-gid', 'two configured groups with one gid are refused at the second', async () => {
    await refused('accounts:\n  groups:\n    - {groupname: a, gid: 3000}\n    - {groupname: b, gid: 3000}\n', ['accounts.groups[1].gid', 'gid 3000 is already used']);
  });

  hostile('configs/group-member-comma', 'a group member with "," (two members smuggled as one) is refused', async () => {
    await refused('accounts:\n  groups:\n    - {groupname: a, gid: 3000, members: ["x,root"]}\n', ['accounts.groups[0].members[0]', '","']);
  });

  // the image config

  hostile('configs/env-name-equals', 'an environment name containing "=" is refused, naming the key', async () => {
    await refused('environment:\n  "PATH=/evil:/bin": x\n', ['environment["PATH=/evil:/bin"]', '"="']);
  });

  hostile('configs/env-name-empty', 'an empty environment name is refused', async () => {
    await refused('environment:\n  "": x\n', ['environment[""]', 'empty']);
  });

  hostile('configs/env-name-newline', 'an environment name with a newline is refused', async () => {
    await refused('environment:\n  "A\\nB": x\n', ['environment["A\\nB"]', 'control character']);
  });

  hostile('configs/env-value-nul', 'an environment value with a NUL is refused, naming the key', async () => {
    await refused('environment:\n  MODE: "a\\0b"\n', ['environment.MODE', 'NUL']);
  });

  hostile('configs/annotation-key-newline', 'an annotation key with a newline is refused', async () => {
    await refused('annotations:\n  "org.x\\nevil": v\n', ['annotations["org.x\\nevil"]', 'control character']);
  });

  hostile('configs/annotation-flag-bad-key', 'an --annotations flag whose key breaks the format is refused', async () => {
    const name = config('');
    await sb.refuses(() => sb.build(name, ['--annotations', 'bad key:v']), { names: ['--annotations', '"bad key"'] });
  });

  hostile('configs/entrypoint-nul', 'an entrypoint command with a NUL is refused', async () => {
    await refused('entrypoint:\n  command: "/bin/sh\\0-c"\n', ['entrypoint.command', 'NUL']);
  });

  hostile('configs/cmd-nul', 'a cmd with a NUL is refused', async () => {
    await refused('cmd: "a\\0b"\n', ['cmd', 'NUL']);
  });

  hostile('configs/work-dir-relative', 'a work-dir that is not absolute is refused', async () => {
    await refused('work-dir: app/data\n', ['work-dir', 'not an absolute path']);
  });

  hostile('configs/service-name-escape', 'a service name that would climb out of /sv is refused', async () => {
    await refused('entrypoint:\n  type: service-bundle\n  services:\n    "../../etc": x\n', ['entrypoint.services["../../etc"]']);
  });

  // paths

  hostile('configs/paths-dotdot', 'a paths entry climbing above / with ".." is refused', async () => {
    await refused('paths:\n  - {path: /app/../../../outside, type: directory}\n', ['paths[0].path', '".."']);
  });

  hostile('configs/paths-hardlink-source-escape', 'a hardlink whose source climbs above / is refused', async () => {
    await refused('paths:\n  - {path: /x, type: hardlink, source: ../../../etc/passwd}\n', ['paths[0].source', '".."']);
  });

  hostile('configs/paths-permissions-out-of-range', 'permissions past 0o7777 are refused with the value', async () => {
    await refused('paths:\n  - {path: /app, type: directory, permissions: 0o17777}\n', ['paths[0].permissions', '0o7777']);
  });

  hostile('configs/paths-symlink-then-write-through', 'a symlink to a host path, then a directory through it, stays inside the image', async () => {
    const canary = sb.canary;
    const name = config(`paths:\n  - {path: /escape, type: symlink, source: ${canary}}\n  - {path: /escape/inside, type: directory}\n`);
    const dir = mkdtempSync(join(tmpdir(), 'hostile-accepted-'));
    try {
      const r = sb.run(['build', name, 'hostile:ok', `${dir}/`]);
      expect(r.code, r.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => readFileSync(canary)).toThrow();
  });

  hostile('configs/volume-dotdot', 'a volume climbing above / with ".." is refused', async () => {
    await refused('volumes:\n  - /data/../../host\n', ['volumes[0]', '".."']);
  });

  // tags and architectures

  hostile('configs/tag-invalid', 'build refuses a tag publish would refuse, by the one reference parser', async () => {
    const name = config('');
    await sb.refuses(() => sb.run(['build', name, 'Hostile Tag:1', sb.out]), { names: ['"Hostile Tag:1"', 'not a valid image reference'] });
  });

  hostile('configs/tag-bad-tag-part', 'build refuses a tag whose tag part starts with "-"', async () => {
    const name = config('');
    await sb.refuses(() => sb.run(['build', name, 'hostile:-1', sb.out]), { names: ['"-1"'] });
  });

  hostile('configs/tag-digest', 'build refuses a tag naming a digest (the build decides the digest)', async () => {
    const name = config('');
    await sb.refuses(() => sb.run(['build', name, `hostile@sha256:${'a'.repeat(64)}`, sb.out]), { names: ['names a digest'] });
  });

  hostile('configs/arch-flag-unknown', 'an unknown --arch value is refused, naming the flag and the value', async () => {
    const name = config('');
    await sb.refuses(() => sb.build(name, ['--arch', 'sparc64']), { names: ['--arch', 'sparc64'] });
  });

  hostile('configs/arch-config-unknown', 'an unknown architecture in archs is refused at its line', async () => {
    const name = `c${n++}.yaml`;
    sb.write(name, sb.config({ archs: ['x86_64', 'vax'] }));
    await sb.refuses(() => sb.build(name), { names: [new RegExp(`${name}:\\d+:\\d+: archs\\[1\\]`), '"vax"'] });
  });

  // keys and types

  hostile('configs/unknown-key', 'an unknown key is refused with its position and a suggestion', async () => {
    await refused('entrypiont:\n  command: /bin/sh\n', [/:\d+:\d+: entrypiont: unknown key/, 'did you mean "entrypoint"?']);
  });

  hostile('configs/wrong-type', 'a list where a string belongs is refused with its position', async () => {
    await refused('work-dir: [/a, /b]\n', [/:\d+:\d+: work-dir: expected a string, got a list/]);
  });

  hostile('configs/huge-number', 'a uid far past 32 bits is refused without losing digits to floating point', async () => {
    await refused('accounts:\n  users:\n    - {username: app, uid: 99999999999999999999999999}\n', ['accounts.users[0].uid', /up to 4294967295/]);
  });

  hostile('configs/proto-key', 'a __proto__ key is an unknown key, not a prototype change', async () => {
    await refused('__proto__:\n  polluted: yes\n', ['unknown key "__proto__"']);
  });

  // YAML

  hostile('configs/yaml-alias-bomb', 'a billion-laughs alias bomb is refused quickly at the alias that passes the limit', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) levels.push(`${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(10).fill(`*${'abcdefghij'[i - 1]}`).join(',')}]`);
    const name = `c${n++}.yaml`;
    sb.write(name, `${levels.join('\n')}\n`);
    const started = Date.now();
    await sb.refuses(() => sb.build(name), { names: [new RegExp(`${name}:\\d+:\\d+: the document is too large`)] });
    expect(Date.now() - started, 'refused in seconds, not after expanding the aliases').toBeLessThan(30_000);
  });

  hostile('configs/yaml-deep-nesting', 'ten thousand nested lists are refused, not a stack overflow', async () => {
    const name = `c${n++}.yaml`;
    sb.write(name, `cmd: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
    await sb.refuses(() => sb.build(name), { names: [new RegExp(`${name}:\\d+:\\d+:`)] });
  });

  hostile('configs/yaml-duplicate-key', 'a key given twice is refused, naming the key and where it was first', async () => {
    await refused('cmd: a\ncmd: b\n', [/:\d+:1: cmd: the key "cmd" is given twice/, /first at line \d+/]);
  });

  hostile('configs/yaml-binary-tag-nul', 'a !!binary value that decodes to a NUL is refused like any NUL', async () => {
    await refused('cmd: !!binary AGV2aWw=\n', ['cmd', 'NUL']);
  });

  hostile('configs/yaml-custom-tag-accepted', 'a custom YAML tag is read as the value it tags, as apko reads it, and nothing more', async () => {
    const c = accepted(config('entrypoint:\n  command: !evil /bin/true\n')) as { config: { Entrypoint?: string[] } };
    expect(c.config.Entrypoint).toEqual(['/bin/true']);
  });

  hostile('configs/yaml-syntax-error', 'a YAML syntax error is refused with its position', async () => {
    await refused('cmd: "unterminated\n', [/:\d+:\d+: invalid YAML/]);
  });

  hostile('configs/not-a-mapping', 'a config that is a list is refused', async () => {
    const name = `c${n++}.yaml`;
    sb.write(name, '- contents\n- packages\n');
    await sb.refuses(() => sb.build(name), { names: [`${name}:1:1`, 'expected a mapping, got a list'] });
  });

  hostile('configs/scalar-document', 'a config that is one string is refused', async () => {
    const name = `c${n++}.yaml`;
    sb.write(name, 'just some text\n');
    await sb.refuses(() => sb.build(name), { names: [`${name}:1:1`, 'expected a mapping'] });
  });

  hostile('configs/empty-file', 'an empty config is refused, saying what a config needs', async () => {
    const name = `c${n++}.yaml`;
    sb.write(name, '');
    await sb.refuses(() => sb.build(name), { names: [`${name}:1:1`, 'no YAML document'] });
  });

  hostile('configs/not-utf8', 'a config that is not UTF-8 is refused', async () => {
    const name = `c${n++}.yaml`;
    sb.write(name, Buffer.concat([Buffer.from('cmd: '), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from('\n')]));
    await sb.refuses(() => sb.build(name), { names: [name, 'not UTF-8'] });
  });

  hostile('configs/huge-config', 'a 50 MB config is refused by its size, before it is parsed', async () => {
    const name = `c${n++}.yaml`;
    sb.write(name, `${sb.config()}# ${'x'.repeat(50 * 1024 * 1024)}\n`);
    try {
      await sb.refuses(() => sb.build(name), { names: [name, `larger than ${MAX_CONFIG_BYTES} bytes`] });
    } finally {
      rmSync(join(sb.dir, name));
    }
  });

  // includes

  hostile('configs/include-cycle', 'an include cycle is refused, naming every file of it', async () => {
    sb.write('cycle-a.yaml', 'include: cycle-b.yaml\n');
    sb.write('cycle-b.yaml', 'include: cycle-a.yaml\n');
    await sb.refuses(() => sb.build('cycle-a.yaml'), { names: ['cycle-b.yaml:1:10: include', 'include cycle: cycle-a.yaml → cycle-b.yaml → cycle-a.yaml'] });
  });

  hostile('configs/include-depth', 'an include chain deeper than the limit is refused at the include that passes it', async () => {
    for (let i = 0; i <= MAX_INCLUDE_DEPTH; i++) sb.write(`deep-${i}.yaml`, `include: deep-${i + 1}.yaml\n`);
    sb.write(`deep-${MAX_INCLUDE_DEPTH + 1}.yaml`, sb.config());
    await sb.refuses(() => sb.build('deep-0.yaml'), { names: [`deep-${MAX_INCLUDE_DEPTH - 1}.yaml:1:10: include`, `deeper than ${MAX_INCLUDE_DEPTH} files`] });
  });

  hostile('configs/include-symlink-to-system-file', 'an include that is a symlink to /etc/passwd is refused without printing its content', async () => {
    symlinkSync('/etc/passwd', join(sb.dir, 'passwd-link.yaml'));
    const name = config('include: passwd-link.yaml\n');
    const r = await sb.refuses(() => sb.build(name), { names: ['passwd-link.yaml:1:1', 'expected a mapping, got a string'] });
    expect(r.stderr, 'the included file is named, never echoed').not.toMatch(/root:x:0/);
  });

  hostile('configs/include-device', 'an include of /dev/zero is refused at once, not read forever', async () => {
    await refused('include: /dev/zero\n', ['include', '"/dev/zero" is not a regular file']);
  });

  hostile('configs/include-directory', 'an include that names a directory is refused', async () => {
    await refused('include: /etc\n', ['include', '"/etc" is not a regular file']);
  });
});
