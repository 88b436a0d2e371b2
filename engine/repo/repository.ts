/**
 * A repository as configured: a local directory, `file://…`, `http(s)://…`,
 * optionally tagged `@tag <url>`. A trailing `/` is trimmed, as apko does.
 * Indexes live at `<repo>/<arch>/APKINDEX.tar.gz`, packages at
 * `<repo>/<arch>/<name>-<version>.apk`.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors';
import { redactUrl } from '../redact';

/** A parsed repository entry. `url` may hold credentials: print `redactUrl(url)`. */
export interface RepositoryRef {
  readonly url: string;
  /** The `@tag` name without `@`, when tagged. */
  readonly tag?: string;
}

/** Where a repository's files are read from. */
export type RepositoryLocation =
  | { readonly kind: 'local'; readonly dir: string }
  | { readonly kind: 'http'; readonly baseUrl: string };

const TAGGED = /^@(\S+)\s+(\S+)$/;
const PLAIN = /^\S+$/;
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;

function trimSlash(url: string): string {
  let u = url;
  while (u.length > 1 && u.endsWith('/') && !u.endsWith('://')) u = u.slice(0, -1);
  return u;
}

/** Parses `url` or `@tag url`; anything else is a ConfigError. */
export function parseRepository(entry: string): RepositoryRef {
  const text = entry.trim();
  const tagged = TAGGED.exec(text);
  if (tagged) return { url: trimSlash(tagged[2]!), tag: tagged[1]! };
  if (text.startsWith('@') || !PLAIN.test(text)) {
    throw new ConfigError(`repository "${redactUrl(text)}" is neither a URL nor "@tag <url>"`, {
      hint: 'write a repository as https://host/path, ./local/dir, or @tag https://host/path',
    });
  }
  return { url: trimSlash(text) };
}

/** Decides how a repository URL is read; unsupported schemes are a ConfigError. */
export function locateRepository(url: string, cwd: string = process.cwd()): RepositoryLocation {
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'local', dir: resolve(cwd, url) };
  if (scheme === 'file') return { kind: 'local', dir: fileURLToPath(url) };
  if (scheme === 'http' || scheme === 'https') {
    try {
      new URL(url);
    } catch (err) {
      throw new ConfigError(`repository "${redactUrl(url)}" is not a valid URL`, { cause: err, hint: 'check the host and path' });
    }
    return { kind: 'http', baseUrl: url };
  }
  throw new ConfigError(`repository "${redactUrl(url)}" uses the unsupported scheme ${scheme}://`, {
    hint: 'use http://, https://, file:// or a local directory',
  });
}

/** `<repo>/<arch>/<file>` for display and for fetching; keeps the repo string as written. */
export function repositoryFileUrl(url: string, arch: string, file: string): string {
  return `${url}/${arch}/${file}`;
}

/** The file name of a package in its repository. */
export function packageFileName(entry: { readonly name: string; readonly version: string }): string {
  return `${entry.name}-${entry.version}.apk`;
}
