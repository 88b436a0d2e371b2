/**
 * Support for the package-content cases: a forged repository of packages
 * whose data entries are raw tar entries, a config installing them, and the
 * image a successful build wrote, read back layer by layer from its OCI
 * layout into the file system a container would see.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readTar } from '../../../engine/tar/read';
import type { TarEntry } from '../../../engine/tar/types';
import type { ForgeApkInput, RawEntry } from './forge';
import type { Sandbox } from './sandbox';

/** One package of a case: its name and raw data entries (and any other forge field). */
export type ContentPackage = Omit<ForgeApkInput, 'entries'> & { entries: RawEntry[] };

/** Writes a repository `<name>` holding `packages` and `<name>.yaml` installing them all; returns the config's name. */
export function contentCase(sb: Sandbox, name: string, packages: readonly ContentPackage[]): string {
  const repo = sb.repository(name, packages.map((p) => ({ apk: sb.apk(p) })));
  sb.write(`${name}.yaml`, sb.config({ repositories: [repo], packages: packages.map((p) => p.name) }));
  return `${name}.yaml`;
}

/** `name-version` as the engine names a forged package in messages. */
export const pkgId = (p: Pick<ContentPackage, 'name' | 'version'>): string => `${p.name}-${p.version ?? '1.0.0-r0'}`;

/** The layers of the first image of an OCI layout, bottom first, each as its tar entries. */
export function layoutLayers(layout: string): TarEntry[][] {
  const blob = (digest: string) => readFileSync(join(layout, 'blobs', 'sha256', digest.slice('sha256:'.length)));
  const top = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  let doc = JSON.parse(blob(top.manifests[0]!.digest).toString()) as { manifests?: { digest: string }[]; layers?: { digest: string }[] };
  while (doc.manifests) doc = JSON.parse(blob(doc.manifests[0]!.digest).toString());
  return (doc.layers ?? []).map((l) => readTar(gunzipSync(blob(l.digest)), `layer ${l.digest}`));
}

/** The file system a container would see: every layer applied in order (whiteouts applied too). */
export function imageFiles(layout: string): Map<string, TarEntry> {
  const files = new Map<string, TarEntry>();
  for (const layer of layoutLayers(layout)) {
    for (const e of layer) {
      const base = e.name.split('/').pop()!;
      const dir = e.name.slice(0, e.name.length - base.length);
      if (base === '.wh..wh..opq') {
        for (const k of [...files.keys()]) if (k.startsWith(dir) && k !== dir.slice(0, -1)) files.delete(k);
      } else if (base.startsWith('.wh.')) {
        const gone = dir + base.slice(4);
        for (const k of [...files.keys()]) if (k === gone || k.startsWith(`${gone}/`)) files.delete(k);
      } else files.set(e.name, e);
    }
  }
  return files;
}

/** The installed database of a built image, as text. */
export function installedDb(files: Map<string, TarEntry>): string {
  const db = files.get('usr/lib/apk/db/installed') ?? files.get('lib/apk/db/installed');
  if (!db) throw new Error('the image has no installed database');
  return db.data.toString('utf8');
}
