/**
 * A parsed APKINDEX in a compact form for the store: one JSON document, each
 * entry a row of values in a fixed field order (`null` for an absent
 * optional field), so loading it is one native JSON.parse and a loop. Rows
 * rather than objects: a third smaller than the same entries as objects, and
 * the fastest of the forms measured (bench/README.md: re-parsing the
 * Alpine 3.17 index cold takes about 50 ms, this about 20 ms).
 *
 * The document names the digest of the index bytes it was parsed from and
 * its field list, and every value is type-checked when read, so a document
 * from another format version, another index, or a damaged writer is refused
 * (undefined), never half-used.
 */
import type { ApkIndex } from './index-read';
import type { IndexEntry } from './types';

/** Bump when the rows mean something else; the store key carries it too (engine/store/keys.ts). */
export const COMPACT_INDEX_VERSION = 1;

type Kind = 'string' | 'number' | 'list' | 'string?' | 'number?';

/** Field order of a row, with each value's kind; the base fields first, in the order the parser creates them. */
const FIELDS: ReadonlyArray<readonly [keyof IndexEntry, Kind]> = [
  ['name', 'string'],
  ['version', 'string'],
  ['arch', 'string'],
  ['size', 'number'],
  ['installedSize', 'number'],
  ['description', 'string'],
  ['url', 'string'],
  ['license', 'string'],
  ['depends', 'list'],
  ['provides', 'list'],
  ['installIf', 'list'],
  ['replaces', 'list'],
  ['checksum', 'string'],
  ['origin', 'string?'],
  ['maintainer', 'string?'],
  ['buildTime', 'number?'],
  ['commit', 'string?'],
  ['providerPriority', 'number?'],
  ['replacesPriority', 'number?'],
];
const FIELD_NAMES = FIELDS.map(([name]) => name);

/** What a compact document holds besides the entries. */
export interface CompactIndexFacts {
  /** Hex sha256 of the APKINDEX.tar.gz bytes the entries were parsed from. */
  readonly digest: string;
  /** Bytes the index's members inflated to (checked against the limit of the run that reuses it). */
  readonly inflated: number;
}

/** The compact document of a parsed index (its entries and description; `signedBy` is a fact of each verification, not stored). */
export function encodeCompactIndex(index: ApkIndex, facts: CompactIndexFacts): Buffer {
  const rows = index.entries.map((e) => FIELDS.map(([name]) => e[name] ?? null));
  return Buffer.from(JSON.stringify({ v: COMPACT_INDEX_VERSION, digest: facts.digest, inflated: facts.inflated, description: index.description, fields: FIELD_NAMES, rows }));
}

function isKind(value: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return Number.isSafeInteger(value);
    case 'list':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'string?':
      return value === null || typeof value === 'string';
    case 'number?':
      return value === null || Number.isSafeInteger(value);
  }
}

/** The entries of a compact document made for the index with hex sha256 `digest`; undefined when it is not exactly that. */
export function decodeCompactIndex(data: Buffer, digest: string): { index: ApkIndex; inflated: number } | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null) return undefined;
  const d = doc as Record<string, unknown>;
  if (d.v !== COMPACT_INDEX_VERSION || d.digest !== digest || !Number.isSafeInteger(d.inflated) || typeof d.description !== 'string') return undefined;
  if (!Array.isArray(d.fields) || d.fields.length !== FIELDS.length || d.fields.some((f, i) => f !== FIELD_NAMES[i]) || !Array.isArray(d.rows)) return undefined;
  const entries: IndexEntry[] = [];
  for (const row of d.rows as unknown[]) {
    if (!Array.isArray(row) || row.length !== FIELDS.length) return undefined;
    const e: Record<string, unknown> = {};
    for (let i = 0; i < FIELDS.length; i++) {
      const [name, kind] = FIELDS[i]!;
      const value: unknown = row[i];
      if (!isKind(value, kind)) return undefined;
      // An absent optional field stays absent, as the parser leaves it.
      if (value !== null) e[name] = value;
    }
    entries.push(e as unknown as IndexEntry);
  }
  return { index: { entries, description: d.description }, inflated: d.inflated as number };
}
