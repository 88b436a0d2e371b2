/**
 * os-release(5) text: `KEY=value` lines in a subset of shell syntax, as
 * packages ship /etc/os-release. The one parser for the rootfs facts and the
 * SBOM's operating-system package; blank lines, comments and malformed lines
 * are skipped, as systemd skips them.
 */

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

/** Parses os-release text into its variables; a later assignment of a key wins. */
export function parseOsReleaseVars(text: string): Record<string, string> {
  // No prototype: a hostile file's `__proto__=` line is just a key.
  const vars: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m === null) continue;
    vars[m[1]!] = unquote(m[2]!.trim());
  }
  return vars;
}
