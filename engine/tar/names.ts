/**
 * How tar names are decoded and shown. A name is kept only when it is valid
 * UTF-8 (decoding anything else would map different byte strings onto one
 * name, and one file would silently replace another), and messages show a
 * name escaped, so a hostile name cannot forge lines in a terminal or a log.
 */

const STRICT = new TextDecoder('utf-8', { fatal: true });

/** The UTF-8 text of `bytes`, or undefined when they are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return STRICT.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Characters that end or break a line for some reader of the image's text
 * files: C0 controls (tab aside), DEL, C1 controls and the Unicode line and
 * paragraph separators (Python's `splitlines` splits on several of them).
 */
const LINE_BREAKING = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/u;

/** The first line-breaking or control character in `s`, escaped (`\n`, `\x1b`, `\u2028`), or undefined. */
export function controlCharacterIn(s: string): string | undefined {
  const m = LINE_BREAKING.exec(s);
  return m ? escapeChar(m[0]) : undefined;
}

function escapeChar(ch: string): string {
  const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0', '"': '\\"', '\\': '\\\\' };
  if (named[ch] !== undefined) return named[ch]!;
  const code = ch.codePointAt(0)!;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * A name as messages show it: printable characters as they are, control and
 * line-breaking characters, quotes and backslashes escaped; for bytes that
 * are not UTF-8, every byte outside printable ASCII as `\xNN`.
 */
export function escapeName(name: string | Uint8Array): string {
  if (typeof name === 'string') {
    let out = '';
    for (const ch of name) out += LINE_BREAKING.test(ch) || ch === '\t' || ch === '"' || ch === '\\' ? escapeChar(ch) : ch;
    return out;
  }
  const text = decodeUtf8(name);
  if (text !== undefined) return escapeName(text);
  let out = '';
  for (const b of name) out += b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return out;
}
