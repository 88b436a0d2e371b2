/**
 * Where a secret could hide after a build, searched byte by byte: every file
 * under the given roots, every gzip stream decompressed (layers, indexes,
 * cache entries) and every tar member read (layers, docker tarballs), to
 * any depth. A secret is looked for as written, base64-encoded with its user
 * (a stored Authorization header) and percent-encoded.
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** The spellings of `secret` (and `user:secret`) a leak could take. */
export function needlesFor(secret: string, user?: string): string[] {
  const out = [secret, encodeURIComponent(secret)];
  if (user !== undefined) out.push(Buffer.from(`${user}:${secret}`).toString('base64'));
  return [...new Set(out)];
}

const isGzip = (b: Buffer) => b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;
const isTar = (b: Buffer) => b.length >= 512 && b.subarray(257, 262).toString('latin1') === 'ustar';

/** Every member of a tar: its name and content (PAX and GNU long names are members too; their text is searched as well). */
function tarMembers(b: Buffer): Array<{ name: string; data: Buffer }> {
  const out: Array<{ name: string; data: Buffer }> = [];
  let off = 0;
  while (off + 512 <= b.length) {
    const h = b.subarray(off, off + 512);
    if (h.every((x) => x === 0)) break;
    const name = h.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(h.subarray(124, 136).toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
    const data = b.subarray(off + 512, off + 512 + size);
    out.push({ name, data });
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** Where in `bytes` (named `where`) any needle appears, looking inside gzip and tar. */
function scanBytes(bytes: Buffer, where: string, needles: readonly Buffer[], found: string[], depth = 0): void {
  for (const n of needles) if (bytes.includes(n)) found.push(where);
  if (depth > 4) return;
  if (isGzip(bytes)) {
    let inner: Buffer | undefined;
    try {
      inner = gunzipSync(bytes, { maxOutputLength: 1 << 30 });
    } catch {
      inner = undefined;
    }
    if (inner !== undefined) scanBytes(inner, `${where} (gunzipped)`, needles, found, depth + 1);
  } else if (isTar(bytes)) {
    for (const m of tarMembers(bytes)) scanBytes(m.data, `${where}:${m.name}`, needles, found, depth + 1);
  }
}

/** Every place under `roots` (files, decompressed streams, tar members) holding any of `needles`. */
export function findSecret(roots: readonly string[], needles: readonly string[]): string[] {
  const bufs = needles.map((n) => Buffer.from(n));
  const found: string[] = [];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    const walk = (p: string) => {
      const st = lstatSync(p);
      if (st.isDirectory()) for (const name of readdirSync(p)) walk(join(p, name));
      else if (st.isFile()) scanBytes(readFileSync(p), relative(root, p) || p, bufs, found);
      // A symlink's target is text too.
      else if (st.isSymbolicLink()) scanBytes(Buffer.from(p), p, bufs, found);
    };
    walk(root);
  }
  return [...new Set(found)];
}

/** A file of an image in an OCI layout: the last layer that holds `path` wins, as a container sees it. */
export function imageFile(layout: string, path: string): Buffer | undefined {
  const blob = (d: string) => readFileSync(join(layout, 'blobs', 'sha256', d.slice('sha256:'.length)));
  const index = JSON.parse(blob(JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')).manifests[0].digest).toString()) as { manifests?: { digest: string }[] };
  const manifest = JSON.parse(blob(index.manifests![0]!.digest).toString()) as { layers: { digest: string }[] };
  let hit: Buffer | undefined;
  for (const l of manifest.layers) {
    for (const m of tarMembers(gunzipSync(blob(l.digest)))) if (m.name.replace(/^\.?\//, '') === path) hit = Buffer.from(m.data);
  }
  return hit;
}
