/**
 * A whole newc archive as apko's `build-cpio` writes it (`pkg/cpio/layer.go`
 * over u-root's `WriteRecordsAndDirs` and `DedupWriter`): every record's
 * parent directories first, each as mode 0777 unless already written (so
 * the archive opens with `.`, the parent of top-level names), each name once,
 * and the trailer last. A record whose own name is already in the archive is
 * refused, as u-root refuses it.
 */
import { ApkoError } from '../errors';
import { directory, encodeRecord, normalizeName, TRAILER_NAME, type CpioRecord } from './newc';

/** Two records for one path. */
export class CpioDuplicateError extends ApkoError {
  constructor(name: string) {
    super('ECPIODUP', `cpio: ${name} is already in the archive`, { hint: 'each path may appear once; a directory must come before what it holds' });
  }
}

/** path.Dir's components of a normalized name: `.` for a top-level name. */
function parentsOf(name: string): string[] {
  const slash = name.lastIndexOf('/');
  if (slash < 0) return ['.'];
  const parts = name.slice(0, slash).split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** The archive's bytes, in chunks: `records` with their parents, then the trailer. */
export function* cpioChunks(records: Iterable<CpioRecord>): Generator<Buffer> {
  const written = new Set<string>();
  let offset = 0;
  function* emit(r: CpioRecord): Generator<Buffer> {
    const name = normalizeName(r.name);
    if (written.has(name)) return;
    written.add(name);
    for (const b of encodeRecord({ ...r, name }, offset)) {
      offset += b.length;
      yield b;
    }
  }
  for (const r of records) {
    const name = normalizeName(r.name);
    if (written.has(name)) throw new CpioDuplicateError(name);
    for (const dir of parentsOf(name)) yield* emit(directory(dir, 0o777));
    yield* emit({ ...r, name });
  }
  yield* emit({ name: TRAILER_NAME, mode: 0 });
}
