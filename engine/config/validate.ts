/**
 * The rules of apko's `Validate()` and `parse()` that need the merged
 * configuration rather than one file: unique runtime key names, `erofs` and
 * `baseimage` refusing `layering`, and `baseimage` allowing only contents,
 * archs and include. Per-entry rules live in the schema.
 */
import { ConfigError } from '../errors';
import { locatedError } from '../yaml/issues';
import type { ImageConfig } from './types';
import { formatPath, type PathSegment, type Position } from '../yaml/tree';

/** Finds which file wrote the value at a path of the merged config, and its path in that file; undefined when a flag set it. */
export type Locator = (path: readonly PathSegment[]) => (Position & { file: string; path: PathSegment[] }) | undefined;

function fail(locate: Locator, fallbackFile: string, path: PathSegment[], detail: string, hint: string): never {
  const at = locate(path);
  if (at !== undefined) {
    throw locatedError(at.file, { path: at.path, line: at.line, column: at.column, detail, hint });
  }
  throw new ConfigError(`${fallbackFile}: ${formatPath(path)}: ${detail}`, { file: fallbackFile, path: formatPath(path), hint });
}

/**
 * Each configured user and group once: two entries with one name or one id
 * would give /etc/passwd or /etc/group two lines that tools resolve to
 * whichever comes first. Includes concatenate the lists, so this is checked
 * on the merged configuration and points at the later entry.
 */
function checkUnique<T>(
  locate: Locator,
  file: string,
  list: readonly T[],
  at: readonly [string, string],
  keys: ReadonlyArray<readonly [field: string, of: (e: T) => string | number | undefined, what: string]>,
): void {
  for (const [field, of, what] of keys) {
    const seen = new Map<string | number, number>();
    list.forEach((e, i) => {
      const v = of(e);
      if (v === undefined) return;
      const first = seen.get(v);
      if (first !== undefined) {
        const prev = locate([...at, first]);
        const where = prev === undefined ? `entry ${first}` : `${prev.file}:${prev.line}:${prev.column}`;
        fail(locate, file, [...at, i, field], `${what} ${JSON.stringify(v)} is already used (${where})`, `give every ${at[1].replace(/s$/, '')} its own ${field}`);
      }
      seen.set(v, i);
    });
  }
}

/** Throws a located ConfigError for the first merged-config rule the configuration breaks. */
export function checkMerged(c: ImageConfig, locate: Locator, file: string): void {
  checkUnique(locate, file, c.accounts.users, ['accounts', 'users'], [
    ['username', (u) => u.username, 'user name'],
    ['uid', (u) => u.uid, 'uid'],
  ]);
  checkUnique(locate, file, c.accounts.groups, ['accounts', 'groups'], [
    ['groupname', (g) => g.groupname, 'group name'],
    ['gid', (g) => g.gid, 'gid'],
  ]);
  const seen = new Map<string, number>();
  c.contents.runtimeKeyring.forEach((k, i) => {
    const first = seen.get(k.name);
    if (first !== undefined) {
      const at = locate(['contents', 'runtime_keyring', first]);
      const where = at === undefined ? `entry ${first}` : `${at.file}:${at.line}:${at.column}`;
      fail(locate, file, ['contents', 'runtime_keyring', i, 'name'], `runtime key name "${k.name}" is already used (${where})`, 'each runtime key becomes /etc/apk/keys/<name>, so names must be unique');
    }
    seen.set(k.name, i);
  });
  if (c.layering !== undefined && c.format === 'erofs') {
    fail(locate, file, ['layering'], 'layering cannot be combined with format: erofs (an EROFS image has one layer)', 'remove layering, or build a tar image');
  }
  if (c.contents.baseimage !== undefined) {
    if (c.layering !== undefined) {
      fail(locate, file, ['layering'], 'layering cannot be combined with contents.baseimage', 'remove layering when building on a base image');
    }
    const e = c.entrypoint;
    const a = c.accounts;
    const extra: Array<[string, boolean]> = [
      ['entrypoint', e.type !== undefined || e.command !== undefined || e.shellFragment !== undefined || Object.keys(e.services).length > 0],
      ['cmd', c.cmd !== undefined],
      ['stop-signal', c.stopSignal !== undefined],
      ['work-dir', c.workDir !== undefined],
      ['accounts', a.runAs !== undefined || a.users.length > 0 || a.groups.length > 0],
      ['environment', Object.keys(c.environment).length > 0],
      ['paths', c.paths.length > 0],
      ['annotations', Object.keys(c.annotations).length > 0],
    ];
    const bad = extra.find(([, set]) => set);
    if (bad !== undefined) {
      fail(locate, file, [bad[0]], 'when using base image, the only supported image specification are: contents, archs and includes', `remove ${bad[0]}; the base image provides it`);
    }
  }
}
