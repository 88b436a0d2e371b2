/**
 * The cache-key recipe for inferred targets: sha256 over length-prefixed
 * parts, so `["ab", "c"]` and `["a", "bc"]` differ. Callers pass everything
 * the targets are a function of (file texts, options, facts of the project
 * directory) and nothing else, least of all absolute paths or times.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Bumped whenever the targets computed from the same inputs change shape. */
export const INFERENCE_VERSION = 'apko-nx-inference-v2';

/** Hex sha256 of the parts, each prefixed with its byte length. */
export function hashParts(parts: ReadonlyArray<string | Buffer>): string {
  const h = createHash('sha256');
  h.update(INFERENCE_VERSION);
  for (const p of parts) {
    const b = typeof p === 'string' ? Buffer.from(p, 'utf8') : p;
    h.update(`\n${b.length}\n`);
    h.update(b);
  }
  return h.digest('hex');
}

/** Hash of the contents of workspace files (a missing file counts as empty), for checking cached includes. */
export function hashFiles(workspaceRoot: string, files: readonly string[]): string {
  return hashParts(
    files.map((f) => {
      try {
        return readFileSync(join(workspaceRoot, f));
      } catch {
        return '';
      }
    }),
  );
}
