/**
 * Users, groups and home directories (apko `pkg/build/accounts.go`: `mutateAccounts`).
 * Entries from packages are read first and configured ones appended.
 * /etc/passwd is always written (0644, empty when nobody is defined);
 * /etc/group only when groups are configured; /etc/shadow (0640) only when
 * users are, each configured user locked (`!`). Every passwd entry whose
 * home is missing gets it created 0700 and owned by the user, parents 0755.
 * Unlike apko, a run-as name or a primary gid that the image does not define
 * is refused rather than written into an image that cannot start as it.
 */
import { ConfigError } from '../errors';
import { formatGroup, formatPasswd, formatShadow, parseGroup, parsePasswd, parseShadow, type PasswdEntry } from './account-files';
import { rewriteFile } from './file-edit';
import type { AccountsInput, UserInput } from './options';
import type { Tree } from './tree';

/** The comment apko puts in the GECOS field of the users it creates. */
export const APKO_GECOS = 'Account created by apko';

function text(tree: Tree, path: string): string {
  return tree.readFile(path)?.toString('utf8') ?? '';
}

function toEntry(u: UserInput): PasswdEntry {
  return {
    name: u.username,
    password: 'x',
    uid: u.uid,
    // apko cannot tell an unset gid from 0, so both mean "same as the uid".
    gid: u.gid ? u.gid : u.uid,
    info: APKO_GECOS,
    home: u.homedir ?? `/home/${u.username}`,
    shell: u.shell ?? '/bin/sh',
  };
}

function makeHome(tree: Tree, user: PasswdEntry): void {
  if (user.home === '/dev/null' || user.home === '') return;
  const node = tree.stat(user.home);
  if (node) {
    if (node.type !== 'dir') {
      throw new ConfigError(`${user.name}'s home directory ${user.home} exists but is not a directory`, {
        hint: 'set a different homedir for the user, or remove the file that is in the way',
      });
    }
    // Existing homes (/, /bin, /root from a package) keep their mode and owner.
    return;
  }
  const parent = user.home.split('/').slice(0, -1).join('/');
  if (parent !== '') tree.mkdirAll(parent, { mode: 0o755 });
  tree.set(user.home, { type: 'dir', mode: 0o700, uid: user.uid, gid: user.gid, mtime: 0 });
}

/** Writes the account files and homes; returns the run-as user with a username replaced by its uid. */
export function mutateAccounts(tree: Tree, accounts: AccountsInput | undefined): string | undefined {
  const users = accounts?.users ?? [];
  const groups = accounts?.groups ?? [];
  const where = accounts?.source === undefined ? '' : `${accounts.source}: `;
  checkPrimaryGroups(tree, users, groups, where);
  if (groups.length > 0) {
    const entries = parseGroup(text(tree, 'etc/group'));
    for (const g of groups) entries.push({ name: g.groupname, password: 'x', gid: g.gid, members: [...g.members] });
    rewriteFile(tree, 'etc/group', formatGroup(entries), { mode: 0o644 });
  }
  const passwd = parsePasswd(text(tree, 'etc/passwd'));
  passwd.push(...users.map(toEntry));
  for (const entry of passwd) makeHome(tree, entry);
  rewriteFile(tree, 'etc/passwd', formatPasswd(passwd), { mode: 0o644 });
  if (users.length > 0) {
    const shadow = parseShadow(text(tree, 'etc/shadow'));
    for (const u of users) shadow.push({ name: u.username, fields: ['!', '', '', '', '', '', '', ''] });
    rewriteFile(tree, 'etc/shadow', formatShadow(shadow), { mode: 0o640 });
  }
  const runAs = accounts?.runAs;
  if (runAs === undefined || runAs === '') return undefined;
  checkRunAs(runAs, passwd, groupNames(tree, groups), where);
  const match = passwd.find((e) => e.name === runAs);
  return match ? String(match.uid) : runAs;
}

/** Every group name of the image: /etc/group as the packages left it, and the configured groups. */
function groupNames(tree: Tree, groups: NonNullable<AccountsInput['groups']>): Set<string> {
  return new Set([...parseGroup(text(tree, 'etc/group')).map((g) => g.name), ...groups.map((g) => g.groupname)]);
}

const NUMERIC = /^[0-9]+$/;

/**
 * `run-as` names a user (and optionally a group) that the image defines, or
 * gives numeric ids, which need no entry (as in apko and the OCI `User`
 * field). A name nobody defines would leave the container unable to start,
 * so it is refused here, once the packages' /etc/passwd is known.
 */
function checkRunAs(runAs: string, passwd: readonly PasswdEntry[], groups: ReadonlySet<string>, where: string): void {
  const [user, group] = runAs.split(':') as [string, string | undefined];
  if (!NUMERIC.test(user) && !passwd.some((e) => e.name === user)) {
    throw new ConfigError(`${where}accounts.run-as: "${user}" is not a user of the image: neither accounts.users nor /etc/passwd from the packages defines it`, {
      path: 'accounts.run-as',
      hint: `add "${user}" under accounts.users, install the package that creates it, or give a numeric uid (e.g. run-as: 65532)`,
    });
  }
  if (group !== undefined && !NUMERIC.test(group) && !groups.has(group)) {
    throw new ConfigError(`${where}accounts.run-as: "${group}" is not a group of the image: neither accounts.groups nor /etc/group from the packages defines it`, {
      path: 'accounts.run-as',
      hint: `add "${group}" under accounts.groups, or give a numeric gid (e.g. run-as: ${user}:65532)`,
    });
  }
}

/**
 * A configured user's primary group exists: a gid other than the user's own
 * uid (the default, which needs no group entry) must be a configured group
 * or one in the packages' /etc/group.
 */
function checkPrimaryGroups(tree: Tree, users: readonly UserInput[], groups: NonNullable<AccountsInput['groups']>, where: string): void {
  const gids = new Set([...parseGroup(text(tree, 'etc/group')).map((g) => g.gid), ...groups.map((g) => g.gid)]);
  for (const u of users) {
    if (!u.gid || u.gid === u.uid || gids.has(u.gid)) continue;
    throw new ConfigError(`${where}accounts.users: user "${u.username}" has gid ${u.gid}, but no group has that gid (neither accounts.groups nor /etc/group from the packages)`, {
      path: 'accounts.users',
      hint: `add a group with gid ${u.gid} under accounts.groups, or leave gid out to give the user a group id equal to its uid`,
    });
  }
}
