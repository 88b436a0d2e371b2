/**
 * Writes a tarball that `docker load` accepts and that is also an OCI image
 * archive (`oci-archive:` in skopeo): the layout's files (`oci-layout`,
 * `index.json`, `blobs/sha256/*`) plus Docker's `manifest.json`, whose Config
 * and Layers paths point into `blobs/` (Docker ≥ 25 `docker save` does the
 * same), so no blob is stored twice. apko instead names layers `<hex>.tar.gz`
 * and configs `sha256:<hex>`; both load the same.
 *
 * RepoTags follow apko: one per platform, `<tag>-<arch>`; the arch suffix is
 * the OCI arch string with `/` as `_` (apko uses the bare architecture, so
 * arm/v6 and arm/v7 would collide). With a single platform the plain tag is
 * added too. The file is written atomically and streamed, layers included.
 */
import { splitTag } from '../reference';
import { commitTogether, stageFile, type Staged } from '../fs/commit';
import { END_OF_ARCHIVE, encodeHeader, padding } from '../tar/write';
import { blobPath, indexBlobs } from './blobs';
import type { ImageIndex } from './image-index';
import { jsonBytes } from '../json';
import { OCI_LAYOUT_BYTES, layoutIndex } from './layout';
import { archString } from '../arch';
import { verifyChunks } from './verify';

export { splitTag } from '../reference';

/** Options for `writeDockerArchive`. */
export interface DockerArchiveOptions {
  /** Image reference to tag with, e.g. `myimage:latest` or `registry:5000/team/app` (`:latest` is implied). */
  readonly tag: string;
}

/** RepoTags for each image of `index`, in index order. */
export function repoTags(index: ImageIndex, ref: string): string[][] {
  const [repo, tag] = splitTag(ref);
  const single = index.images.length === 1;
  return index.images.map((img) => {
    const perArch = `${repo}:${tag}-${archString(img.platform).replace(/\//g, '_')}`;
    return single ? [`${repo}:${tag}`, perArch] : [perArch];
  });
}

/** Docker's manifest.json for `index` (ggcr `tarball.Descriptor` field order). */
export function dockerManifest(index: ImageIndex, ref: string): Buffer {
  const tags = repoTags(index, ref);
  return jsonBytes(
    index.images.map((img, i) => ({
      Config: blobPath(img.config.digest),
      RepoTags: tags[i]!,
      Layers: img.layers.map((l) => blobPath(l.digest)),
    })),
  );
}

const entry = (name: string, size: number, type: 'file' | 'dir' = 'file') =>
  encodeHeader({ name, type, mode: type === 'dir' ? 0o755 : 0o644, size });

async function* archiveChunks(index: ImageIndex, ref: string): AsyncGenerator<Buffer> {
  const small = (name: string, bytes: Buffer) => [entry(name, bytes.length), bytes, padding(bytes.length)];
  yield* small('oci-layout', OCI_LAYOUT_BYTES);
  yield entry('blobs', 0, 'dir');
  yield entry('blobs/sha256', 0, 'dir');
  for (const blob of indexBlobs(index)) {
    const name = blobPath(blob.digest);
    yield entry(name, blob.size);
    // A layer file already hashed to its digest in this process is passed through; anything else is checked as it is written.
    if (blob.checkedFile !== undefined) for await (const chunk of blob.open()) yield chunk as Buffer;
    else yield* verifyChunks(blob.open(), blob, name);
    yield padding(blob.size);
  }
  const [repo, tag] = splitTag(ref);
  yield* small('index.json', layoutIndex(index, `${repo}:${tag}`).bytes);
  yield* small('manifest.json', dockerManifest(index, ref));
  yield END_OF_ARCHIVE;
}

/** Stages the tarball of `index` for `file` (nothing visible until committed, see engine/fs/commit.ts). */
export async function stageDockerArchive(file: string, index: ImageIndex, opts: DockerArchiveOptions): Promise<Staged> {
  splitTag(opts.tag);
  return stageFile(file, archiveChunks(index, opts.tag));
}

/** Writes `index` as a docker-loadable (and OCI) tarball at `file`, replacing it atomically. */
export async function writeDockerArchive(file: string, index: ImageIndex, opts: DockerArchiveOptions): Promise<void> {
  await commitTogether([() => stageDockerArchive(file, index, opts)]);
}
