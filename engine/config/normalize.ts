/**
 * Schema output (apko key names) → ImageConfig (camelCase, every list and map
 * present), and the mutations apko's `Validate()` makes before a build: a
 * service bundle forces the s6 command and package, a user without a home
 * gets `/home/<name>`. Both steps are pure; freezing makes the result read-only.
 */
import { normalizeArchName, type ArchName } from '../arch';
import type { RawImageConfig } from './schema';
import type { ImageConfig, NamedContent, PathMutation, User } from './types';
import { compareBytes } from '../order';
import { withoutCredentials } from '../redact';

/** The command apko forces for `entrypoint.type: service-bundle`. */
export const S6_COMMAND = '/bin/s6-svscan /sv';

/** Go's zero string is "absent". */
const nonEmpty = (s: string | undefined): string | undefined => (s === undefined || s === '' ? undefined : s);

/** A map with its keys in byte order (outputs still sort; this keeps equal configs deep-equal). */
export function sortedRecord(m: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const entries = Object.entries(m ?? {}).sort(([a], [b]) => compareBytes(a, b));
  return Object.fromEntries(entries);
}

const named = (l: readonly { name?: string; content?: string }[] | undefined): NamedContent[] =>
  (l ?? []).map((e) => ({ name: e.name ?? '', content: e.content ?? '' }));

/** Converts one file's schema output to the ImageConfig shape, without defaults. */
export function fromRaw(raw: RawImageConfig): ImageConfig {
  const c = raw.contents ?? {};
  const e = raw.entrypoint ?? {};
  const a = raw.accounts ?? {};
  return {
    contents: {
      buildRepositories: c.build_repositories ?? [],
      runtimeRepositories: c.runtime_repositories ?? [],
      repositories: c.repositories ?? [],
      keyring: c.keyring ?? [],
      runtimeKeyring: named(c.runtime_keyring),
      packages: c.packages ?? [],
      ...(c.baseimage ? { baseimage: { image: c.baseimage.image ?? '', apkindex: c.baseimage.apkindex ?? '' } } : {}),
    },
    entrypoint: {
      type: e.type,
      command: nonEmpty(e.command),
      shellFragment: nonEmpty(e['shell-fragment']),
      services: sortedRecord(e.services),
    },
    cmd: nonEmpty(raw.cmd),
    stopSignal: nonEmpty(raw['stop-signal']),
    workDir: nonEmpty(raw['work-dir']),
    accounts: {
      runAs: nonEmpty(a['run-as']),
      users: (a.users ?? []).map(
        (u): User => ({ username: u.username ?? '', uid: u.uid ?? 0, gid: u.gid, shell: nonEmpty(u.shell), homedir: u.homedir ?? '' }),
      ),
      groups: (a.groups ?? []).map((g) => ({ groupname: g.groupname ?? '', gid: g.gid ?? 0, members: g.members ?? [] })),
    },
    archs: (raw.archs ?? []).map((w) => normalizeArchName(w) as ArchName),
    environment: sortedRecord(raw.environment),
    paths: (raw.paths ?? []).map(
      (p): PathMutation => ({
        path: p.path ?? '',
        type: p.type!,
        uid: p.uid,
        gid: p.gid,
        permissions: p.permissions,
        source: nonEmpty(p.source),
        recursive: p.recursive ?? false,
      }),
    ),
    // vcs-url names a place (annotations, SBOM, /etc/apko.json), never who may read it.
    vcsUrl: nonEmpty(raw['vcs-url'] === undefined ? undefined : withoutCredentials(raw['vcs-url'])),
    annotations: sortedRecord(raw.annotations),
    include: nonEmpty(raw.include),
    volumes: raw.volumes ?? [],
    layering: raw.layering ? { strategy: raw.layering.strategy, budget: raw.layering.budget } : undefined,
    format: raw.format,
    certificates: raw.certificates ? { additional: named(raw.certificates.additional), providers: raw.certificates.providers ?? [] } : undefined,
  };
}

/** apko trims a trailing `/` from repository entries. */
const trimRepos = (l: readonly string[]): string[] => l.map((r) => r.replace(/\/+$/, ''));

/**
 * apko's `Validate()` mutations plus repository trimming. Idempotent: a
 * service bundle's `s6` is appended only when the world lacks it, so
 * loading a printed config gives the same result.
 */
export function finalizeConfig(c: ImageConfig): ImageConfig {
  const bundle = c.entrypoint.type === 'service-bundle';
  const packages = bundle && !c.contents.packages.includes('s6') ? [...c.contents.packages, 's6'] : c.contents.packages;
  return deepFreeze(
    dropUndefined({
      ...c,
      contents: {
        ...c.contents,
        buildRepositories: trimRepos(c.contents.buildRepositories),
        runtimeRepositories: trimRepos(c.contents.runtimeRepositories),
        repositories: trimRepos(c.contents.repositories),
        packages,
      },
      entrypoint: bundle ? { ...c.entrypoint, command: S6_COMMAND } : c.entrypoint,
      accounts: {
        ...c.accounts,
        users: c.accounts.users.map((u) => ({ ...u, homedir: u.homedir === '' ? `/home/${u.username}` : u.homedir })),
      },
    }),
  );
}

/** Removes keys whose value is undefined, recursively, so equal configs compare deep-equal. */
function dropUndefined<T>(v: T): T {
  if (Array.isArray(v)) return v.map(dropUndefined) as T;
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (x !== undefined) Object.defineProperty(out, k, { value: dropUndefined(x), enumerable: true, writable: true, configurable: true });
  }
  return out as T;
}

/** Freezes a config tree so no stage can change it. */
function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** The defaults apko's accounts step applies to a user: gid = uid, shell /bin/sh. */
export function userDefaults(u: User): Required<User> {
  return { ...u, gid: u.gid ?? u.uid, shell: u.shell ?? '/bin/sh', homedir: u.homedir === '' ? `/home/${u.username}` : u.homedir };
}
