/**
 * /etc/os-release as the image's packages ship it; apko never writes it,
 * only reads it for the SBOM. Lines are `KEY=value`, the value optionally
 * quoted with shell-style escapes, as os-release(5) describes.
 */
import type { Tree } from './tree';

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\([\\"$`])/g, '$1');
  }
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  return value;
}

/** Parses os-release text; comments, blank and malformed lines are skipped. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    out[line.slice(0, eq)] = unquote(line.slice(eq + 1));
  }
  return out;
}

/** Reads /etc/os-release (following links, e.g. to /usr/lib/os-release), or undefined when absent. */
export function readOsRelease(tree: Tree): Record<string, string> | undefined {
  const data = tree.readFile('etc/os-release');
  return data === undefined ? undefined : parseOsRelease(data.toString('utf8'));
}
