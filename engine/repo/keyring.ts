/**
 * Loads the keyring: public keys given as paths, `file://` or `http(s)://`
 * URLs, each known by the basename of its path (the name signatures carry and
 * the name it gets under /etc/apk/keys). A later entry with the same name
 * replaces an earlier one, as a later file would in /etc/apk/keys. Remote keys
 * are cached with their ETag.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publicKeyProblem } from '../apk/key-check';
import { ConfigError, FetchError, FormatError } from '../errors';
import { keyringKey } from '../store/keys';
import type { Store } from '../store/store';
import { createHttpClient, type HttpClient } from './http';
import { redactUrl } from '../redact';
import { revalidate } from './revalidate';

/** How to load keys. */
export interface LoadKeyringOptions {
  store?: Store;
  offline?: boolean;
  http?: HttpClient;
  /** Resolves relative paths (default: process.cwd()). */
  cwd?: string;
}

const MAX_KEY_SIZE = 1024 * 1024;

/**
 * The key's text, once it is one RSA public key fit to trust (engine/apk/key-check.ts):
 * it is copied as it is into the image, the lock file and the cache, so
 * anything else (a private key above all) is refused here, before any of them.
 */
export function checkedPublicKey(bytes: Buffer | string, shown: string): string {
  const problem = publicKeyProblem(bytes);
  if (problem !== undefined) {
    throw new FormatError(`keyring entry ${shown} ${problem.problem}`, { file: shown, hint: problem.hint });
  }
  return typeof bytes === 'string' ? bytes : bytes.toString('utf8');
}

function nameOf(entry: string, path: string): string {
  const name = basename(path);
  if (name === '' || name === '.' || name === '..') {
    throw new ConfigError(`keyring entry ${redactUrl(entry)} does not end in a file name`, { hint: 'name the key file, e.g. .../keys/melange.rsa.pub' });
  }
  return name;
}

async function loadOne(entry: string, opts: LoadKeyringOptions, http: () => HttpClient): Promise<[string, string]> {
  const shown = redactUrl(entry);
  if (/^https?:\/\//i.test(entry)) {
    const name = nameOf(entry, decodeURIComponent(new URL(entry).pathname));
    const { value } = await revalidate(
      { url: entry, key: keyringKey(entry), http: http(), maxBytes: MAX_KEY_SIZE, accept: (b) => checkedPublicKey(b, shown), ...(opts.store ? { store: opts.store } : {}), ...(opts.offline ? { offline: true } : {}) },
      'the key',
    );
    return [name, value];
  }
  const path = /^file:\/\//i.test(entry) ? fileURLToPath(entry) : resolve(opts.cwd ?? process.cwd(), entry);
  let bytes: Buffer;
  try {
    // Checked before it is opened: a FIFO would block the open, /dev/zero would never end.
    const st = await stat(path);
    if (!st.isFile()) {
      throw new FormatError(`keyring entry ${shown} is not a regular file`, { file: shown, hint: 'name the public key file itself (e.g. keys/melange.rsa.pub)' });
    }
    if (st.size > MAX_KEY_SIZE) {
      throw new FormatError(`keyring entry ${shown} is ${st.size} bytes, larger than any public key (at most ${MAX_KEY_SIZE})`, { file: shown, hint: 'name the public key file itself (e.g. keys/melange.rsa.pub)' });
    }
    bytes = await readFile(path);
  } catch (err) {
    if (err instanceof FormatError) throw err;
    throw new FetchError(`keyring entry ${shown} could not be read: ${(err as Error).message}`, {
      url: shown,
      cause: err,
      hint: 'check contents.keyring (relative paths are relative to the working directory)',
    });
  }
  return [nameOf(entry, path), checkedPublicKey(bytes, shown)];
}

/** Loads every key, in the order given; the map is keyed by key file name. */
export async function loadKeyring(entries: readonly string[], opts: LoadKeyringOptions = {}): Promise<Map<string, string>> {
  let client: HttpClient | undefined;
  const http = (): HttpClient => (client ??= opts.http ?? createHttpClient());
  const loaded = await Promise.all(entries.map((e) => loadOne(e, opts, http)));
  return new Map(loaded);
}
