/**
 * The public keys shipped with the package (engine/trusted-keys/): Alpine's
 * and Wolfi's, so that their indexes verify with no keyring configured and
 * no network. Each key carries the URL it is published at, which is what a
 * lock file records for it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compareBytes } from '../order';
import type { DiscoveredKey } from './discovered-key';
import { checkedPublicKey } from './keyring';

/** Where each folder's keys are published (the key's file name is appended). */
const PUBLISHED: Readonly<Record<string, string>> = {
  alpine: 'https://alpinelinux.org/keys/',
  wolfi: 'https://packages.wolfi.dev/os/',
};

/** The package root: the nearest directory above this file whose package.json is @apko/nx (sources and dist/ alike). */
function packageRoot(): string | undefined {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p) && (JSON.parse(readFileSync(p, 'utf8')) as { name?: string }).name === '@apko/nx') return dir;
    dir = dirname(dir);
  }
  return undefined;
}

let cached: ReadonlyMap<string, DiscoveredKey> | undefined;

/** Every bundled key by file name; read once. */
export function bundledKeys(): ReadonlyMap<string, DiscoveredKey> {
  if (cached) return cached;
  const root = packageRoot();
  const keys = new Map<string, DiscoveredKey>();
  const base = root === undefined ? undefined : join(root, 'engine', 'trusted-keys');
  for (const [folder, url] of Object.entries(PUBLISHED)) {
    const dir = base === undefined ? undefined : join(base, folder);
    if (dir === undefined || !existsSync(dir)) continue;
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.rsa.pub')).sort(compareBytes)) {
      keys.set(name, { name, url: `${url}${name}`, pem: checkedPublicKey(readFileSync(join(dir, name)), `bundled key ${name}`), source: 'bundled' });
    }
  }
  return (cached = keys);
}
