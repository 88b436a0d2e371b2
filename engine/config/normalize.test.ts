import { describe, expect, it } from 'vitest';
import { finalizeConfig, userDefaults } from './normalize';
import { parseConfigText } from './parse';

const raw = (text: string) => parseConfigText(text, 'apko.yaml').config;

describe('finalizeConfig', () => {
  it('is idempotent: a service bundle gets s6 once', () => {
    const once = finalizeConfig(raw('entrypoint: {type: service-bundle}\ncontents: {packages: [nginx]}'));
    expect(once.contents.packages).toEqual(['nginx', 's6']);
    expect(finalizeConfig(once)).toEqual(once);
  });

  it('trims trailing slashes from all three repository lists', () => {
    const c = finalizeConfig(raw('contents: {repositories: [a/], build_repositories: [b//], runtime_repositories: [c/]}'));
    expect([c.contents.repositories, c.contents.buildRepositories, c.contents.runtimeRepositories]).toEqual([['a'], ['b'], ['c']]);
  });

  it('drops undefined keys so configs compare deep-equal', () => {
    expect(Object.keys(finalizeConfig(raw('cmd: x')))).toEqual(['contents', 'entrypoint', 'cmd', 'accounts', 'archs', 'environment', 'paths', 'annotations', 'volumes']);
  });
});

describe('userDefaults', () => {
  it('gives gid = uid, /bin/sh and /home/<name>, as apko’s accounts step does', () => {
    const [u] = raw('accounts: {users: [{username: app, uid: 1000}]}').accounts.users;
    expect(userDefaults(u!)).toEqual({ username: 'app', uid: 1000, gid: 1000, shell: '/bin/sh', homedir: '/home/app' });
  });

  it('keeps what was configured', () => {
    const [u] = raw('accounts: {users: [{username: app, uid: 1000, gid: 0, shell: /bin/ash, homedir: /srv}]}').accounts.users;
    expect(userDefaults(u!)).toEqual({ username: 'app', uid: 1000, gid: 0, shell: '/bin/ash', homedir: '/srv' });
  });
});

