/**
 * What melange's parse adds to every build environment
 * (pkg/config/config.go ParseConfiguration): the `build` group and user
 * (1000:1000) when the file names none, and environment variables for the
 * workspace and the language caches where the file leaves them empty. Seen
 * by `melange compile` and `melange query`.
 */
import type { BuildEnvironment } from './model';

/** The environment variables, in the order melange sets them. */
const ENVIRONMENT_DEFAULTS: Readonly<Record<string, string>> = {
  HOME: '/home/build',
  GOPATH: '/home/build/.cache/go',
  GOMODCACHE: '/var/cache/melange/gomodcache',
  UV_CACHE_DIR: '/var/cache/melange/uv',
  PIP_CACHE_DIR: '/var/cache/melange/pip',
  COMPOSER_CACHE_DIR: '/var/cache/melange/composer',
  npm_config_cache: '/var/cache/melange/npm',
};

const BUILD = 'build';
const BUILD_ID = 1000;

/** `e` with melange's defaults added. */
export function withParseDefaults(e: BuildEnvironment): BuildEnvironment {
  const environment: Record<string, string> = { ...e.environment };
  for (const [k, v] of Object.entries(ENVIRONMENT_DEFAULTS)) if (!environment[k]) environment[k] = v;
  const groups = e.accounts.groups.some((g) => g.groupname === BUILD) ? e.accounts.groups : [...e.accounts.groups, { groupname: BUILD, gid: BUILD_ID, members: [BUILD] }];
  const users = e.accounts.users.some((u) => u.username === BUILD) ? e.accounts.users : [...e.accounts.users, { username: BUILD, uid: BUILD_ID, gid: BUILD_ID }];
  return { ...e, environment, accounts: { ...e.accounts, users, groups } };
}
