/**
 * This package's version, for SBOM creators and cache keys. Read from the
 * nearest package.json named @apko/nx above this file, which works both from
 * the sources and from dist/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/** The @apko/nx version, e.g. `0.1.0`. */
export function toolVersion(): string {
  if (cached !== undefined) return cached;
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@apko/nx' && pkg.version) return (cached = pkg.version);
    }
    dir = dirname(dir);
  }
  return (cached = '0.0.0');
}
