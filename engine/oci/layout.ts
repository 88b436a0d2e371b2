/**
 * Writes an OCI image layout directory: `oci-layout`, `blobs/sha256/*`, and a
 * top-level `index.json` holding one descriptor, the image index, annotated
 * with `org.opencontainers.image.ref.name` = the tag so that
 * `skopeo copy --all oci:<dir>:<tag>` finds it. (apko instead writes the image
 * index itself as index.json, which has no name to select.) The directory is
 * replaced as a whole and atomically: a failure leaves the previous layout.
 * A directory that cannot be swapped whole (a mount point, or one whose
 * parent is read-only) is replaced from inside, `index.json` last, so a
 * reader still sees the previous image or the new one (engine/fs/commit.ts).
 */
import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Digest } from '../digest';
import { OutputError } from '../errors';
import { copyFileSynced, writeFileSynced } from '../fs/atomic';
import { commitTogether, stageDir, type Staged } from '../fs/commit';
import { INSIDE_STAGE_PREFIX, mustReplaceInside, stageDirInside } from '../fs/replace-inside';
import { blobPath, indexBlobs } from './blobs';
import type { ImageIndex } from './image-index';
import { encodeJson } from '../json';
import { MediaTypes, descriptorJson, jsonBlob, type JsonBlob } from './media';
import { verifyChunks } from './verify';

/** The annotation naming an image inside a layout. */
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

/** `oci-layout` exactly as go-containerregistry writes it (37 bytes, no newline). */
export const OCI_LAYOUT_BYTES = Buffer.from(encodeJson({ imageLayoutVersion: '1.0.0' }, { indent: '    ' }));

/** Options for `writeLayout`. */
export interface LayoutOptions {
  /** Name under which tools find the image (`myimage:latest`); none means an unnamed entry. */
  readonly tag?: string;
  /**
   * Further files written inside the layout with it, by path relative to it:
   * SBOMs asked for inside the layout directory are part of what the layout's
   * swap replaces, so they are staged with it rather than beside it.
   */
  readonly extraFiles?: ReadonlyArray<readonly [relativePath: string, text: string]>;
}

/** The top-level index.json: one descriptor for the image index, named by `tag`. */
export function layoutIndex(index: ImageIndex, tag?: string): JsonBlob {
  const annotations = tag === undefined ? undefined : new Map([[REF_NAME_ANNOTATION, tag]]);
  return jsonBlob(MediaTypes.index, {
    schemaVersion: 2,
    mediaType: MediaTypes.index,
    manifests: [descriptorJson({ ...index.manifest, annotations })],
  });
}

/** Refuses to replace something that is not a previous layout, so a wrong path cannot wipe a directory. */
async function checkReplaceable(dir: string): Promise<void> {
  const stat = await fsp.stat(dir).catch(() => undefined);
  if (stat === undefined) return;
  if (!stat.isDirectory()) {
    throw new OutputError(`${dir} exists and is not a directory`, { file: dir, hint: 'choose a new or layout directory for the image' });
  }
  // A stage or temporary this writer family left behind is not the user's content.
  const names = (await fsp.readdir(dir)).filter((n) => !n.startsWith(INSIDE_STAGE_PREFIX));
  if (names.length > 0 && !names.includes('oci-layout')) {
    throw new OutputError(`${dir} is not empty and is not an OCI layout; refusing to replace it`, {
      file: dir,
      hint: 'point the output at an empty directory, a new path, or a previous image layout',
    });
  }
}

/** Writes the layout's files into the empty directory `dir`. */
async function fillLayout(dir: string, index: ImageIndex, opts: LayoutOptions): Promise<void> {
  const tag = opts.tag;
  await fsp.mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const [rel, text] of opts.extraFiles ?? []) {
    await fsp.mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFileSynced(join(dir, rel), Buffer.from(text));
  }
  for (const blob of indexBlobs(index)) {
    const path = blobPath(blob.digest);
    // A layer file already hashed to its digest is copied by the kernel; anything else is checked as it is written.
    if (blob.checkedFile !== undefined) await copyFileSynced(blob.checkedFile, join(dir, path));
    else await writeFileSynced(join(dir, path), verifyChunks(blob.open(), blob, path));
  }
  await writeFileSynced(join(dir, 'oci-layout'), OCI_LAYOUT_BYTES);
  await writeFileSynced(join(dir, 'index.json'), layoutIndex(index, tag).bytes);
}

/** Stages the layout of `index` for `dir` (nothing visible until committed, see engine/fs/commit.ts). */
export async function stageLayout(dir: string, index: ImageIndex, opts: LayoutOptions = {}): Promise<Staged> {
  await checkReplaceable(dir);
  if (await mustReplaceInside(dir)) return stageDirInside(dir, (tree) => fillLayout(tree, index, opts), { last: ['index.json'] });
  await fsp.mkdir(dirname(dir), { recursive: true });
  return stageDir(dir, (tmp) => fillLayout(tmp, index, opts));
}

/** Writes `index` and all its blobs as an OCI layout at `dir`, replacing any previous layout; returns the index digest. */
export async function writeLayout(dir: string, index: ImageIndex, opts: LayoutOptions = {}): Promise<Digest> {
  await commitTogether([() => stageLayout(dir, index, opts)]);
  return index.manifest.digest;
}
