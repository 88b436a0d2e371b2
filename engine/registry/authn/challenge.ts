/**
 * `WWW-Authenticate` challenges as registries send them (read where ggcr's
 * `transport/ping.go` reads them): a scheme
 * and its parameters, several challenges per header, leniently read
 * (unquoted URLs, unknown schemes skipped, never fatal).
 */

/** One parsed challenge: the scheme in lowercase and its parameters (names lowercase). */
export interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/** Parses `WWW-Authenticate` values (several challenges per value allowed); unknown syntax is skipped, never fatal. */
export function parseChallenges(header: string | readonly string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  if (typeof header !== 'string') return header.flatMap((h) => parseChallenges(h));
  const s = header;
  const out: Challenge[] = [];
  let i = 0;
  const ws = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  const token = () => {
    const m = TOKEN.exec(s.slice(i));
    if (!m) return '';
    i += m[0].length;
    return m[0];
  };
  // Lenient: an unquoted value runs to the next comma or space (registries sometimes leave URLs unquoted).
  const bare = () => {
    const m = /^[^,\s]*/.exec(s.slice(i))!;
    i += m[0].length;
    return m[0];
  };
  const quoted = () => {
    let v = '';
    for (i++; i < s.length && s[i] !== '"'; i++) v += s[i] === '\\' && i + 1 < s.length ? s[++i] : s[i];
    i++;
    return v;
  };
  while (i < s.length) {
    ws();
    if (s[i] === ',') {
      i++;
      continue;
    }
    const scheme = token();
    if (scheme === '') {
      i++;
      continue;
    }
    const params: Record<string, string> = {};
    for (;;) {
      ws();
      const save = i;
      const name = token();
      ws();
      if (name === '' || s[i] !== '=') {
        i = save; // a token not followed by '=' starts the next challenge
        break;
      }
      i++;
      ws();
      params[name.toLowerCase()] = s[i] === '"' ? quoted() : bare();
      ws();
      if (s[i] !== ',') break;
      i++;
    }
    out.push({ scheme: scheme.toLowerCase(), params });
  }
  return out;
}
