/**
 * Compares what apko and apko-nx built from the same inputs and lists every
 * difference as a record that names the place, the field and both values, so
 * a failing assertion says what moved (not just that two digests differ).
 */
import { createHash } from 'node:crypto';
import { splitMembers } from '../../engine/apk/gzip-members';
import { readTar } from '../../engine/tar/read';
import type { TarEntry } from '../../engine/tar/types';
import type { ImageView, LayerView, LayoutView, RawBlock } from './layout-view';

/** Which assertion of the suite a difference belongs to. */
export type Category = 'packages' | 'layers' | 'files' | 'config' | 'index' | 'lock' | 'apkindex';

/** One field that differs between apko's output and ours. */
export interface Difference {
  readonly category: Category;
  readonly where: string;
  readonly field: string;
  /** The reference tool's value (apko's, or melange's for an APKINDEX). */
  readonly apko: string;
  readonly ours: string;
  /** The tar entry type at `where`, when it is a layer entry. */
  readonly entryType?: string;
  /** Set on a difference that follows from others in the same scope (a diff_id, once an entry differs). */
  readonly derivedIn?: string;
  /** The layer or image the difference was found in. */
  readonly scope?: string;
  /** For a layer entry: whether its layer is a package layer or the top (last) layer. */
  readonly layerRole?: 'package' | 'top';
}

/** The files whose contents are asserted by name; all others are compared as layer entries. */
export const NAMED_FILES = [
  'etc/apko.json', 'etc/apk/world', 'etc/apk/repositories', 'etc/apk/arch', 'etc/passwd', 'etc/group', 'etc/shadow', 'etc/os-release',
  'usr/lib/apk/db/installed', 'lib/apk/db/installed', 'usr/lib/apk/db/scripts.tar', 'usr/lib/apk/db/triggers',
];

/** One line per difference, as the suite prints it. */
export function formatDifference(d: Difference): string {
  const reference = d.category === 'apkindex' ? 'melange' : 'apko';
  return `${d.where}: ${d.field}: ${reference} ${d.apko}, apko-nx ${d.ours}`;
}

const show = (v: unknown): string => {
  const s = v === undefined ? '(absent)' : typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
};

/** Key-by-key differences of two JSON values; `skip(path)` leaves a subtree out. */
export function jsonDifferences(a: unknown, b: unknown, path: string, skip: (p: string) => boolean = () => false): Array<[string, string, string]> {
  if (skip(path)) return [];
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const out: Array<[string, string, string]> = [];
    const keys = Array.isArray(a) ? [...Array(Math.max(a.length, (b as unknown[]).length)).keys()].map(String) : [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const sub = Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`;
      out.push(...jsonDifferences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], sub, skip));
    }
    return out;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [[path, show(a), show(b)]];
}

/** The first line where two texts differ, or the content digests when either is binary. */
function contentDifference(a: Buffer, b: Buffer): [string, string] {
  const text = (x: Buffer) => x.length < 65536 && !x.includes(0);
  if (!text(a) || !text(b)) return [`sha256 ${createHash('sha256').update(a).digest('hex').slice(0, 16)}…`, `sha256 ${createHash('sha256').update(b).digest('hex').slice(0, 16)}…`];
  const la = a.toString('utf8').split('\n');
  const lb = b.toString('utf8').split('\n');
  const i = la.findIndex((l, k) => l !== lb[k]);
  const at = i < 0 ? la.length : i;
  return [`line ${at + 1} ${show(la[at])}`, `line ${at + 1} ${show(lb[at])}`];
}

const ENTRY_FIELDS = ['type', 'mode', 'uid', 'gid', 'uname', 'gname', 'size', 'mtime', 'linkname', 'devmajor', 'devminor'] as const;

function entryDifferences(where: string, a: TarEntry, b: TarEntry, scope: string): Difference[] {
  const out: Difference[] = [];
  const at = `${where} "${a.name}"`;
  const base = { category: 'layers' as Category, where: at, entryType: a.type, scope };
  for (const f of ENTRY_FIELDS) {
    const va = f === 'mode' ? a.mode.toString(8) : String(a[f]);
    const vb = f === 'mode' ? b.mode.toString(8) : String(b[f]);
    if (va !== vb) out.push({ ...base, field: f, apko: va, ours: vb });
  }
  if (JSON.stringify(a.pax) !== JSON.stringify(b.pax)) out.push({ ...base, field: 'PAX records', apko: show(a.pax), ours: show(b.pax) });
  if (!a.data.equals(b.data)) {
    const [va, vb] = contentDifference(a.data, b.data);
    out.push({ ...base, category: NAMED_FILES.includes(a.name) ? 'files' : 'layers', field: 'content', apko: va, ours: vb });
  }
  return out;
}

/** Raw header fields engine/tar/read.ts folds away: stored names, PAX header blocks, magic. */
function blockDifferences(where: string, a: readonly RawBlock[], b: readonly RawBlock[], scope: string): Difference[] {
  const out: Difference[] = [];
  if (a.length !== b.length) out.push({ category: 'layers', where, field: 'header blocks', apko: String(a.length), ours: String(b.length), scope });
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x, y] = [a[i]!, b[i]!];
    const fields: (keyof RawBlock)[] = x.typeflag === 'x' || x.typeflag === 'g' ? ['typeflag', 'name', 'mode', 'uid', 'gid', 'size', 'mtime', 'uname', 'gname', 'magic', 'prefix'] : ['typeflag', 'name', 'prefix', 'magic'];
    for (const f of fields) {
      if (x[f] !== y[f]) out.push({ category: 'layers', where: `${where} header block ${i} (type ${x.typeflag} ${show(x.prefix ? `${x.prefix}/${x.name}` : x.name)})`, field: `stored ${f}`, apko: show(x[f]), ours: show(y[f]), entryType: x.typeflag, scope });
    }
  }
  return out;
}

function layerDifferences(where: string, a: LayerView, b: LayerView): Difference[] {
  const scope = where;
  const out: Difference[] = [];
  const names = (l: LayerView) => l.entries.map((e) => e.name);
  const ours = new Map(b.entries.map((e) => [e.name, e]));
  const theirs = new Set(names(a));
  for (const e of a.entries) if (!ours.has(e.name)) out.push({ category: 'layers', where: `${where} "${e.name}"`, field: 'present', apko: 'yes', ours: 'no', entryType: e.type, scope });
  for (const e of b.entries) if (!theirs.has(e.name)) out.push({ category: 'layers', where: `${where} "${e.name}"`, field: 'present', apko: 'no', ours: 'yes', entryType: e.type, scope });
  const common = names(a).filter((n) => ours.has(n));
  const commonOurs = names(b).filter((n) => theirs.has(n));
  const firstMoved = common.findIndex((n, i) => n !== commonOurs[i]);
  if (firstMoved >= 0) out.push({ category: 'layers', where, field: 'entry order', apko: show(common.slice(firstMoved, firstMoved + 3)), ours: show(commonOurs.slice(firstMoved, firstMoved + 3)), scope });
  for (const e of a.entries) if (ours.has(e.name)) out.push(...entryDifferences(where, e, ours.get(e.name)!, scope));
  if (out.length === 0) out.push(...blockDifferences(where, a.blocks, b.blocks, scope));
  if (a.diffId !== b.diffId) {
    const found = out.length > 0;
    if (!found) {
      const n = Math.min(a.tar.length, b.tar.length);
      let i = 0;
      while (i < n && a.tar[i] === b.tar[i]) i++;
      out.push({ category: 'layers', where, field: 'tar bytes', apko: `byte ${i} of ${a.tar.length}`, ours: `byte ${i} of ${b.tar.length} (block offset ${i % 512})`, scope });
    }
    out.push({ category: 'layers', where, field: 'diff_id', apko: a.diffId, ours: b.diffId, derivedIn: scope, scope });
  }
  return out;
}

function imageDifferences(a: ImageView, b: ImageView): Difference[] {
  const out: Difference[] = [];
  const where = a.platform;
  if (a.layers.length !== b.layers.length) out.push({ category: 'layers', where, field: 'layer count', apko: String(a.layers.length), ours: String(b.layers.length), scope: where });
  for (let i = 0; i < Math.min(a.layers.length, b.layers.length); i++) {
    const layerRole = i === a.layers.length - 1 ? 'top' : 'package';
    out.push(...layerDifferences(`${where} layer ${i}`, a.layers[i]!, b.layers[i]!).map((d) => ({ ...d, layerRole }) as Difference));
    if (a.layers[i]!.digest !== b.layers[i]!.digest) out.push({ category: 'index', where: `${where} manifest layers[${i}]`, field: 'digest', apko: a.layers[i]!.digest, ours: b.layers[i]!.digest });
  }
  const noDiffIds = (p: string) => p === 'config.rootfs.diff_ids';
  for (const [p, va, vb] of jsonDifferences(a.config, b.config, 'config', noDiffIds)) out.push({ category: 'config', where: `${where} image config`, field: p, apko: va, ours: vb });
  if (!a.configRaw.equals(b.configRaw) && out.every((d) => d.field !== 'diff_id' && d.category !== 'config')) {
    out.push({ category: 'config', where: `${where} image config`, field: 'bytes', apko: show(a.configRaw.toString('utf8')), ours: show(b.configRaw.toString('utf8')) });
  }
  // Layer digests (reported above) and the config digest follow from bytes compared elsewhere.
  const masked = (p: string) => /^manifest\.layers\[\d+\]\.(digest|size)$/.test(p) || p === 'manifest.config.digest';
  for (const [p, va, vb] of jsonDifferences(a.manifest, b.manifest, 'manifest', masked)) out.push({ category: 'index', where: `${where} manifest`, field: p, apko: va, ours: vb });
  return out;
}

/** Every difference between two layouts built from the same config. */
export function layoutDifferences(a: LayoutView, b: LayoutView): Difference[] {
  const out: Difference[] = [];
  if (!!a.wrapper !== !!b.wrapper) out.push({ category: 'index', where: 'index.json', field: 'names the image index by tag', apko: a.wrapper ? 'yes' : 'no', ours: b.wrapper ? 'yes' : 'no' });
  const digestOfManifest = (p: string) => /^index\.manifests\[\d+\]\.digest$/.test(p);
  for (const [p, va, vb] of jsonDifferences(a.index, b.index, 'index', digestOfManifest)) out.push({ category: 'index', where: 'image index', field: p, apko: va, ours: vb });
  const ours = new Map(b.images.map((i) => [i.platform, i]));
  for (const img of a.images) {
    const mine = ours.get(img.platform);
    if (!mine) out.push({ category: 'index', where: img.platform, field: 'image', apko: 'present', ours: 'absent' });
    else out.push(...imageDifferences(img, mine));
  }
  return out;
}

/** Differences of two line-oriented outputs (show-packages). */
export function lineDifferences(category: Category, where: string, a: string, b: string): Difference[] {
  if (a === b) return [];
  const [va, vb] = contentDifference(Buffer.from(a), Buffer.from(b));
  return [{ category, where, field: 'output', apko: va, ours: vb }];
}

/** Differences of two JSON documents (lock files). */
export function documentDifferences(category: Category, where: string, a: unknown, b: unknown): Difference[] {
  return jsonDifferences(a, b, '$').map(([p, va, vb]) => ({ category, where, field: p, apko: va, ours: vb }));
}

/**
 * Differences of two APKINDEX.tar.gz files, member by member: the signature
 * entry's name and header, and each entry of the index member with its content
 * (the APKINDEX text compared line by line). Signature bytes are not compared:
 * they sign the gzip bytes, which depend on the compressor.
 */
export function apkIndexDifferences(a: Buffer, b: Buffer): Difference[] {
  const members = (x: Buffer) => splitMembers(x).map((m, i) => readTar(Buffer.from(m.content), `member ${i}`));
  const [ma, mb] = [members(a), members(b)];
  const out: Difference[] = [];
  if (ma.length !== mb.length) out.push({ category: 'apkindex', where: 'APKINDEX.tar.gz', field: 'gzip members', apko: String(ma.length), ours: String(mb.length) });
  for (let i = 0; i < Math.min(ma.length, mb.length); i++) {
    const ours = new Map(mb[i]!.map((e) => [e.name, e]));
    for (const e of ma[i]!) {
      const mine = ours.get(e.name);
      const where = `APKINDEX.tar.gz member ${i}`;
      if (!mine) {
        out.push({ category: 'apkindex', where: `${where} "${e.name}"`, field: 'present', apko: 'yes', ours: 'no' });
        continue;
      }
      const diffs = entryDifferences(where, e, e.name.startsWith('.SIGN.') ? { ...mine, data: e.data } : mine, where);
      out.push(...diffs.map((d) => ({ ...d, category: 'apkindex' as Category, scope: undefined, derivedIn: undefined })));
    }
    for (const e of mb[i]!) if (!ma[i]!.some((x) => x.name === e.name)) out.push({ category: 'apkindex', where: `APKINDEX.tar.gz member ${i} "${e.name}"`, field: 'present', apko: 'no', ours: 'yes' });
  }
  return out;
}
