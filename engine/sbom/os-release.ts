/**
 * The SBOM's view of /etc/os-release (parsed by engine/os-release.ts).
 * Missing ID, NAME and PRETTY_NAME take the defaults that
 * os-release(5) prescribes (`linux`, `Linux`, `Linux`).
 */
import { parseOsReleaseVars } from '../os-release';
import type { OsRelease } from './types';

/** Parses the text of an os-release file into the fields the SBOM needs. */
export function parseOsRelease(text: string): OsRelease {
  const vars = parseOsReleaseVars(text);
  const get = (k: string): string | undefined => {
    const v = Object.prototype.hasOwnProperty.call(vars, k) ? vars[k] : undefined;
    return v === undefined || v === '' ? undefined : v;
  };
  const versionId = get('VERSION_ID');
  const homeUrl = get('HOME_URL');
  return {
    id: get('ID') ?? 'linux',
    name: get('NAME') ?? 'Linux',
    prettyName: get('PRETTY_NAME') ?? 'Linux',
    ...(versionId === undefined ? {} : { versionId }),
    ...(homeUrl === undefined ? {} : { homeUrl }),
  };
}
