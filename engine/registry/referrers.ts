/**
 * Documents attached to an image (its SBOMs) as OCI artifacts: an image
 * manifest with an `artifactType`, the empty config `{}`, the document as
 * its one layer, and `subject` = the image's manifest descriptor. A registry
 * with the referrers API says so by answering the PUT with `OCI-Subject`;
 * otherwise the artifact is listed in the referrers tag fallback, an index
 * tagged `sha256-<subject hex>`, read, extended and written back.
 */
import { Readable } from 'node:stream';
import { sha256Digest } from '../digest';
import type { BlobSource } from '../oci/blobs';
import type { JsonValue } from '../json';
import { MediaTypes, descriptorJson, jsonBlob, type Descriptor, type JsonBlob } from '../oci/media';
import { CREATED_ANNOTATION, rfc3339 } from '../time';
import { pushBlob, type BlobPushOptions } from './blobs';
import { headerValue, type RegistryClient } from './client';
import { getManifest, putManifest } from './manifests';

/** The annotation naming a layer's file. */
export const TITLE_ANNOTATION = 'org.opencontainers.image.title';

const EMPTY_BYTES = Buffer.from('{}');

/** The OCI empty descriptor's blob: `{}`, for artifacts that have no config. */
export const EMPTY_CONFIG: JsonBlob = {
  mediaType: 'application/vnd.oci.empty.v1+json',
  digest: sha256Digest(EMPTY_BYTES),
  size: EMPTY_BYTES.length,
  bytes: EMPTY_BYTES,
};

/** A document to attach to a manifest. */
export interface Attachment {
  /** The manifest (or index) the document is about. */
  readonly subject: Pick<Descriptor, 'mediaType' | 'digest' | 'size'>;
  readonly artifactType: string;
  /** File name, e.g. `sbom-x86_64.spdx.json`. */
  readonly title: string;
  readonly bytes: Buffer;
  /** Build date in seconds, for the created annotation (no wall clock). */
  readonly created: number;
}

/** How an attachment became discoverable. */
export type ReferrerOutcome = 'referrers-api' | 'tag-fallback';

/** The artifact manifest of `a` and the blobs it needs (the document, then the empty config). */
export function artifactManifest(a: Attachment): { manifest: JsonBlob; blobs: BlobSource[] } {
  const doc: BlobSource = {
    mediaType: a.artifactType,
    digest: sha256Digest(a.bytes),
    size: a.bytes.length,
    open: () => Readable.from([a.bytes], { objectMode: false }),
  };
  const config: BlobSource = { ...EMPTY_CONFIG, open: () => Readable.from([EMPTY_BYTES], { objectMode: false }) };
  const manifest = jsonBlob(MediaTypes.manifest, {
    schemaVersion: 2,
    mediaType: MediaTypes.manifest,
    artifactType: a.artifactType,
    config: descriptorJson(EMPTY_CONFIG),
    layers: [descriptorJson({ ...doc, annotations: new Map([[TITLE_ANNOTATION, a.title]]) })],
    subject: descriptorJson(a.subject),
    annotations: new Map([[CREATED_ANNOTATION, rfc3339(a.created)]]),
  });
  return { manifest, blobs: [doc, config] };
}

/** The referrers fallback tag of a subject digest: `sha256-<hex>`. */
export function referrersTag(subject: string): string {
  return subject.replace(':', '-');
}

/** Pushes `a` as an artifact referring to its subject, and lists it under the fallback tag when the registry has no referrers API. */
export async function pushAttachment(client: RegistryClient, repository: string, a: Attachment, opts: BlobPushOptions = {}): Promise<ReferrerOutcome> {
  const { manifest, blobs } = artifactManifest(a);
  for (const blob of blobs) await pushBlob(client, repository, blob, opts);
  const res = await putManifest(client, repository, manifest.digest, manifest);
  if (headerValue(res, 'oci-subject') === a.subject.digest) return 'referrers-api';
  const tag = referrersTag(a.subject.digest);
  const existing = await getManifest(client, repository, tag, [MediaTypes.index]);
  let manifests: JsonValue[] = [];
  if (existing !== undefined) {
    const parsed = JSON.parse(existing.bytes.toString('utf8')) as { manifests?: JsonValue[] };
    manifests = Array.isArray(parsed.manifests) ? parsed.manifests : [];
    if (manifests.some((m) => (m as { digest?: unknown }).digest === manifest.digest)) return 'tag-fallback';
  }
  manifests.push(
    descriptorJson({
      mediaType: manifest.mediaType,
      size: manifest.size,
      digest: manifest.digest,
      artifactType: a.artifactType,
      annotations: new Map([[CREATED_ANNOTATION, rfc3339(a.created)]]),
    }),
  );
  await putManifest(client, repository, tag, jsonBlob(MediaTypes.index, { schemaVersion: 2, mediaType: MediaTypes.index, manifests }));
  return 'tag-fallback';
}
