/**
 * In-place edits of scalar values in YAML text: each edited value's source
 * range is replaced and every other byte of the file (comments, quoting,
 * indentation, key order) stays as written. For verbs that rewrite a user's
 * config (melange bump), where a re-serialised file would be a diff of the
 * whole file.
 */
import { isScalar, parseDocument, type Node } from 'yaml';
import { ConfigError } from '../errors';
import { formatPath, type PathSegment } from './tree';

/** One edit: the scalar at `path` becomes `text` (already YAML, e.g. `"1.2.3"`). */
export interface ScalarEdit {
  readonly path: readonly PathSegment[];
  readonly text: string;
}

/** `text` with every edit applied; a path that is not a scalar written in the file is a ConfigError naming it. */
export function replaceScalars(text: string, file: string, edits: readonly ScalarEdit[]): string {
  const doc = parseDocument(text, { keepSourceTokens: false, uniqueKeys: false, merge: false });
  const spans = edits.map((e) => {
    const node = doc.getIn(e.path, true) as Node | undefined;
    if (!isScalar(node) || node.range === undefined || node.range === null) {
      throw new ConfigError(`${file}: ${formatPath(e.path)} is not a value written in the file`, { file, path: formatPath(e.path), hint: `write ${formatPath(e.path)} as a plain value in ${file}` });
    }
    return { start: node.range[0], end: node.range[1], text: e.text };
  });
  // Applied from the end, so earlier offsets stay valid.
  spans.sort((a, b) => b.start - a.start);
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}
