/**
 * Output ordering. Strings are compared by their UTF-8 bytes, never with
 * localeCompare, so the order is the same under every locale and runtime.
 */

/** Negative, zero or positive as `a` sorts before, with or after `b` by UTF-8 bytes. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Compares tuples of strings field by field, by bytes. */
export function compareTuples(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareBytes(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
