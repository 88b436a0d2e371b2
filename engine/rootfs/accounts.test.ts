import { describe, expect, it } from 'vitest';
import { ConfigError, FormatError } from '../errors';
import { mutateAccounts } from './accounts';
import { parseGroup, parsePasswd, parseShadow, formatGroup, formatPasswd, formatShadow } from './account-files';
import { Tree } from './tree';

function etcTree(files: Record<string, string> = {}): Tree {
  const tree = new Tree();
  tree.mkdirAll('etc');
  for (const [path, text] of Object.entries(files)) tree.writeFile(path, text, { owner: 'baselayout' });
  return tree;
}

const read = (tree: Tree, path: string) => tree.readFile(path)?.toString();

describe('mutateAccounts', () => {
  it('writes an empty /etc/passwd and nothing else when no accounts are configured', () => {
    const tree = etcTree();
    expect(mutateAccounts(tree, undefined)).toBeUndefined();
    expect(tree.get('etc/passwd')).toMatchObject({ type: 'file', mode: 0o644, data: Buffer.alloc(0) });
    expect(tree.get('etc/group')).toBeUndefined();
    expect(tree.get('etc/shadow')).toBeUndefined();
  });

  it('appends configured users and groups to the package files, byte for byte as apko writes them', () => {
    const tree = etcTree({
      'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n',
      'etc/group': 'root:x:0:\nsvcs:x:2000:\n',
      'etc/shadow': 'root:*::0:::::\n',
    });
    tree.mkdirAll('root', { mode: 0o700 });
    mutateAccounts(tree, {
      users: [
        { username: 'nonroot', uid: 65532 },
        { username: 'svc', uid: 1000, gid: 2000, shell: '/sbin/nologin', homedir: '/var/lib/svc' },
      ],
      groups: [{ groupname: 'nonroot', gid: 65532, members: ['nonroot', 'svc'] }],
    });
    expect(read(tree, 'etc/passwd')).toBe(
      'root:x:0:0:root:/root:/bin/sh\n' +
        'nobody:x:65534:65534:nobody:/:/sbin/nologin\n' +
        'nonroot:x:65532:65532:Account created by apko:/home/nonroot:/bin/sh\n' +
        'svc:x:1000:2000:Account created by apko:/var/lib/svc:/sbin/nologin\n',
    );
    expect(read(tree, 'etc/group')).toBe('root:x:0:\nsvcs:x:2000:\nnonroot:x:65532:nonroot,svc\n');
    expect(read(tree, 'etc/shadow')).toBe('root:*::0:::::\nnonroot:!:::::::\nsvc:!:::::::\n');
    // A rewritten package file keeps its attributes and owner but not the package's checksum.
    expect(tree.get('etc/passwd')).toMatchObject({ owner: 'baselayout', mode: 0o644 });
    expect(tree.get('etc/passwd')?.sha1).toBeUndefined();
  });

  it('creates /etc/group 0644 and /etc/shadow 0640 when they are missing', () => {
    const tree = etcTree();
    mutateAccounts(tree, { users: [{ username: 'a', uid: 10 }], groups: [{ groupname: 'g', gid: 5, members: [] }] });
    expect(tree.get('etc/group')).toMatchObject({ mode: 0o644, data: Buffer.from('g:x:5:\n') });
    expect(tree.get('etc/shadow')).toMatchObject({ mode: 0o640, data: Buffer.from('a:!:::::::\n') });
  });

  it('creates missing homes 0700 owned by the user with 0755 parents, and leaves existing ones alone', () => {
    const tree = etcTree({ 'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nbin:x:1:1:bin:/bin:/sbin/nologin\nnews:x:9:13:news:/dev/null:/sbin/nologin\n', 'etc/group': 'eight:x:8:\n' });
    tree.mkdirAll('bin', { mode: 0o755 });
    mutateAccounts(tree, { users: [{ username: 'nonroot', uid: 65532 }, { username: 'deep', uid: 7, gid: 8, homedir: '/srv/users/deep' }], groups: [] });
    expect(tree.get('root')).toMatchObject({ type: 'dir', mode: 0o700, uid: 0, gid: 0 });
    expect(tree.get('bin')).toMatchObject({ mode: 0o755 });
    expect(tree.get('home')).toMatchObject({ type: 'dir', mode: 0o755, uid: 0 });
    expect(tree.get('home/nonroot')).toMatchObject({ type: 'dir', mode: 0o700, uid: 65532, gid: 65532, mtime: 0 });
    expect(tree.get('srv/users')).toMatchObject({ mode: 0o755, uid: 0 });
    expect(tree.get('srv/users/deep')).toMatchObject({ mode: 0o700, uid: 7, gid: 8 });
    expect(tree.get('dev/null')).toBeUndefined();
  });

  it('fails when a home path exists and is not a directory', () => {
    const tree = etcTree();
    tree.mkdirAll('home');
    tree.writeFile('home/x', 'file');
    expect(() => mutateAccounts(tree, { users: [{ username: 'x', uid: 5 }], groups: [] })).toThrow(ConfigError);
  });

  it.each([
    { runAs: 'nonroot', want: '65532' },
    { runAs: 'root', want: '0' },
    { runAs: '1234', want: '1234' },
    { runAs: '1234:5678', want: '1234:5678' },
    { runAs: 'nonroot:wheel', want: 'nonroot:wheel' },
  ])('resolves run-as $runAs to $want', ({ runAs, want }) => {
    const tree = etcTree({ 'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\n', 'etc/group': 'wheel:x:10:\n' });
    expect(mutateAccounts(tree, { users: [{ username: 'nonroot', uid: 65532 }], groups: [], runAs })).toBe(want);
  });

  it.each([
    ['ghost', /"ghost" is not a user of the image/],
    ['nonroot:ghosts', /"ghosts" is not a group of the image/],
  ])('refuses run-as %s, which the image does not define', (runAs, message) => {
    const tree = etcTree({ 'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\n' });
    const run = () => mutateAccounts(tree, { users: [{ username: 'nonroot', uid: 65532 }], groups: [], runAs });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(message);
  });

  it('refuses a primary gid no group has, and accepts the user-private gid and known groups', () => {
    const users = (gid: number) => ({ users: [{ username: 'app', uid: 1000, gid }], groups: [{ groupname: 'app', gid: 2000, members: [] }] });
    expect(() => mutateAccounts(etcTree({ 'etc/group': 'root:x:0:\n' }), users(3000))).toThrow('user "app" has gid 3000, but no group has that gid');
    for (const gid of [1000, 2000, 0]) expect(() => mutateAccounts(etcTree({ 'etc/group': 'root:x:0:\n' }), users(gid))).not.toThrow();
  });

  it('fails naming the file and line when a package passwd line is malformed', () => {
    const tree = etcTree({ 'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nbroken line\n' });
    expect(() => mutateAccounts(tree, undefined)).toThrow(FormatError);
    expect(() => mutateAccounts(tree, undefined)).toThrow('/etc/passwd line 2 has 1 fields, expected 7: "broken line"');
  });
});

describe('account files', () => {
  it.each([
    ['passwd', 'a:x:1:2:gecos:/home/a:/bin/sh\n', parsePasswd, formatPasswd],
    ['group', 'wheel:x:10:a,b\nempty:x:11:\n', parseGroup, formatGroup],
    ['shadow', 'root:$6$salt$hash:19000:0:99999:7:::\n', parseShadow, formatShadow],
  ] as const)('round-trips %s text', (_, text, parse, format) => {
    expect((format as (e: unknown) => string)((parse as (t: string) => unknown)(text))).toBe(text);
  });
});
