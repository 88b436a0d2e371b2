/**
 * /etc/os-release as the image's packages ship it; apko never writes it,
 * only reads it for the SBOM.
 */
import { parseOsReleaseVars } from '../os-release';
import type { Tree } from './tree';

/** Parses os-release text (engine/os-release.ts). */
export const parseOsRelease = parseOsReleaseVars;

/** Reads /etc/os-release (following links, e.g. to /usr/lib/os-release), or undefined when absent. */
export function readOsRelease(tree: Tree): Record<string, string> | undefined {
  const data = tree.readFile('etc/os-release');
  return data === undefined ? undefined : parseOsRelease(data.toString('utf8'));
}
