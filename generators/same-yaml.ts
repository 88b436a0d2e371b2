/**
 * How generators stay idempotent without clobbering hand edits: an existing
 * file that says the same thing as the rendered one (comments and formatting
 * aside, e.g. after a formatter ran) counts as already generated.
 */
import { parse } from 'yaml';

/** Whether two YAML texts hold the same data; unparsable text never matches. */
export function sameYaml(a: string, b: string): boolean {
  try {
    return JSON.stringify(parse(a)) === JSON.stringify(parse(b));
  } catch {
    return false;
  }
}
