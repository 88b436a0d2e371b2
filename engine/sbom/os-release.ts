/**
 * Reads /etc/os-release (os-release(5)): `KEY=value` lines in a subset of
 * shell syntax. Missing ID, NAME and PRETTY_NAME take the defaults that
 * os-release(5) prescribes (`linux`, `Linux`, `Linux`).
 */
import type { OsRelease } from './types';

/** Unquotes one shell-style value: "…" with \-escapes, '…' verbatim, bare words; stops at unquoted blanks. */
function unquote(raw: string): string {
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === '"') {
      i++;
      while (i < raw.length && raw[i] !== '"') {
        // Inside double quotes only these four are escapable, as in sh.
        if (raw[i] === '\\' && i + 1 < raw.length && '$`"\\'.includes(raw[i + 1]!)) i++;
        out += raw[i];
        i++;
      }
      i++;
    } else if (c === "'") {
      const end = raw.indexOf("'", i + 1);
      const stop = end === -1 ? raw.length : end;
      out += raw.slice(i + 1, stop);
      i = stop + 1;
    } else if (c === '\\' && i + 1 < raw.length) {
      out += raw[i + 1];
      i += 2;
    } else if (c === ' ' || c === '\t') {
      break;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Parses the text of an os-release file into the fields the SBOM needs. */
export function parseOsRelease(text: string): OsRelease {
  const vars = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m === null) continue; // blank lines, comments and junk are ignored, as systemd does
    vars.set(m[1]!, unquote(m[2]!.trim()));
  }
  const get = (k: string): string | undefined => {
    const v = vars.get(k);
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
