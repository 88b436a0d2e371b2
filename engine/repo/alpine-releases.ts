/**
 * Alpine's release keys (apko `pkg/apk/apk/releases.go`, `fetchAlpineKeys`):
 * a repository URL of the form `…/alpine/<release>/<repo>` names a release;
 * Alpine's `releases.json` lists, per release branch and architecture, the
 * URLs of the keys that sign it and the date each was deprecated.
 */
import { basename } from 'node:path';
import { FormatError } from '../errors';
import { checkedKeyName } from './discovered-key';

/** apko's `repoRE`: the release is the path segment after `/alpine/`, followed by one more segment. */
const ALPINE_REPO_RE = /^https?:\/\/.+\/alpine\/([^/]+)\/[^/]+$/;

/** The Alpine release (`v3.21`, `edge`) a repository URL names, or undefined. */
export function alpineReleaseOf(repository: string): string | undefined {
  return ALPINE_REPO_RE.exec(repository.replace(/\/+$/, ''))?.[1];
}

/** One key of a release branch: its URL and the day it stopped being used, if it did. */
interface ReleaseKey {
  readonly url: string;
  readonly deprecated?: number;
}

/** The parts of releases.json key discovery reads: release branch → arch → keys. */
export type AlpineReleases = ReadonlyMap<string, ReadonlyMap<string, readonly ReleaseKey[]>>;

/** A `YYYY-MM-DD` day as milliseconds (UTC midnight), as Go's time.Parse reads it. */
function parseDay(value: unknown, shown: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new FormatError(`${shown}: deprecated_since ${JSON.stringify(value)} is not a YYYY-MM-DD date`, { file: shown });
  }
  return Date.parse(`${value}T00:00:00Z`);
}

/** Parses releases.json; anything but the shape key discovery needs is ignored. */
export function parseAlpineReleases(bytes: Buffer, shown: string): AlpineReleases {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new FormatError(`${shown} is not JSON: ${(err as Error).message}`, { file: shown, cause: err });
  }
  const branches = (doc as { release_branches?: unknown }).release_branches;
  if (!Array.isArray(branches)) throw new FormatError(`${shown} has no release_branches list`, { file: shown, hint: 'point the Alpine releases URL at Alpine\'s releases.json' });
  const out = new Map<string, Map<string, ReleaseKey[]>>();
  for (const b of branches as { rel_branch?: unknown; keys?: unknown }[]) {
    if (typeof b?.rel_branch !== 'string' || out.has(b.rel_branch)) continue;
    const byArch = new Map<string, ReleaseKey[]>();
    for (const [arch, keys] of Object.entries((b.keys ?? {}) as Record<string, unknown>)) {
      if (!Array.isArray(keys)) continue;
      byArch.set(
        arch,
        (keys as { url?: unknown; deprecated_since?: unknown }[])
          .filter((k) => typeof k?.url === 'string')
          .map((k) => {
            const deprecated = parseDay(k.deprecated_since, shown);
            return { url: k.url as string, ...(deprecated !== undefined ? { deprecated } : {}) };
          }),
      );
    }
    out.set(b.rel_branch, byArch);
  }
  return out;
}

/** A key of a release to fetch: its URL and the file name it takes. */
export interface ReleaseKeyUrl {
  readonly url: string;
  readonly name: string;
}

/**
 * The keys of `release` for `arch` not deprecated by `now` (apko's
 * `KeysFor`). The published URLs spell `@` as `%20`, a mistake apko
 * repairs the same way; the file name is the URL's last segment, unescaped.
 */
export function releaseKeys(releases: AlpineReleases, release: string, arch: string, now: number, shown: string): ReleaseKeyUrl[] {
  const keys = releases.get(release)?.get(arch) ?? [];
  return keys
    .filter((k) => k.deprecated === undefined || k.deprecated > now)
    .map((k) => {
      const url = k.url.replaceAll('%20', '@');
      let name: string;
      try {
        name = decodeURIComponent(basename(new URL(url).pathname));
      } catch (err) {
        throw new FormatError(`${shown} lists a key URL ${JSON.stringify(url)} that cannot be read`, { file: shown, cause: err });
      }
      return { url, name: checkedKeyName(name, shown) };
    });
}
