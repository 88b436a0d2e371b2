/**
 * The one order of everything that reaches an output: raw UTF-8 byte order,
 * as Go's sort.Strings and apk-tools compare. Never `localeCompare` or a bare
 * `.sort()` (UTF-16 code units differ from bytes above U+FFFF), so the order
 * is the same under every locale and runtime.
 */

/** Compares two strings by their UTF-8 bytes. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Compares `[key, value]` pairs by key bytes. */
export function compareEntryKeys(a: readonly [string, unknown], b: readonly [string, unknown]): number {
  return compareBytes(a[0], b[0]);
}

/** A sorted copy of `items` in byte order. */
export function sortedBytes(items: Iterable<string>): string[] {
  return [...items].sort(compareBytes);
}
