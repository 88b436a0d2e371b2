/**
 * SPDX element identifiers. They must match `SPDXRef-[A-Za-z0-9.-]+`, and
 * within one document each must name one element. Names like `so:libc.so.6`
 * or `py3.12-foo_bar` are sanitized the way melange does it, so our id for
 * an APK equals the id melange gave it in the package's own SBOM.
 */
import { sha256Hex } from '../digest';

/** What a valid SPDX element id looks like. */
export const SPDX_ID_RE = /^SPDXRef-[A-Za-z0-9.-]+$/;

/** Sanitizes text for an id: `:` and `/` become `-`, other disallowed characters `C<code point>`. */
export function sanitizeIdPart(s: string): string {
  let out = '';
  for (const ch of s) {
    if (/[A-Za-z0-9.-]/.test(ch)) out += ch;
    else if (ch === ':' || ch === '/') out += '-';
    else out += `C${ch.codePointAt(0)}`;
  }
  return out;
}

/** `SPDXRef-` + the sanitized parts joined by `-`. */
export function spdxId(...parts: readonly string[]): string {
  const body = parts.map(sanitizeIdPart).filter((p) => p !== '').join('-');
  return `SPDXRef-${body === '' ? 'Element' : body}`;
}

/** Makes any string a valid id, keeping valid ones unchanged. */
export function validSpdxId(id: string): string {
  return SPDX_ID_RE.test(id) ? id : spdxId(id.startsWith('SPDXRef-') ? id.slice('SPDXRef-'.length) : id);
}

/** An element that wants an id; `key` says what it is (same key = same element). */
export interface IdClaim {
  readonly id: string;
  readonly key: string;
}

/**
 * Final ids for claims, in claim order. Claims with the same id and key are
 * one element and share the id. An id wanted by several keys, or already
 * reserved, is given to none of them as is: each gets `-<hash of its key>`.
 * The result depends only on the set of claims, never on their order.
 */
export function assignIds(claims: readonly IdClaim[], reserved: ReadonlySet<string>): string[] {
  const keysById = new Map<string, Set<string>>();
  for (const c of claims) {
    const keys = keysById.get(c.id) ?? new Set<string>();
    keys.add(c.key);
    keysById.set(c.id, keys);
  }
  return claims.map((c) =>
    keysById.get(c.id)!.size === 1 && !reserved.has(c.id) ? c.id : `${c.id}-${sha256Hex(c.key).slice(0, 12)}`,
  );
}
