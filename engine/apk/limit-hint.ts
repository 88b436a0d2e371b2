/**
 * What to say when a package or index hits a size limit: that it may be a
 * decompression bomb, and which flag raises the limit (engine/defaults.ts
 * holds the flags and their defaults).
 */
import { PACKAGE_LIMIT_FLAGS } from '../defaults';

/** A limit's name in the defaults table. */
export type LimitName = keyof typeof PACKAGE_LIMIT_FLAGS;

/** The hint of a LimitError for `name`'s limit, hit by input from `source`. */
export function limitHint(name: LimitName, source: string): string {
  return `it may be a decompression bomb; raise the limit with ${PACKAGE_LIMIT_FLAGS[name]}=<bytes> only if you trust ${source}`;
}
