/**
 * The whole push of a multi-arch image, ordered so that a failure at any
 * point leaves no tag pointing at something incomplete. For each target
 * repository (in the order the tags name them): every layer and config blob
 * (present; mounted from a repository of the same registry pushed earlier in
 * this run or, when the caller remembers them, by earlier runs; or uploaded),
 * each arch's manifest by digest, each arch's
 * attachments (SBOMs), the index by digest and its attachments. Only when
 * every repository holds the complete image is the index PUT to each tag.
 */
import pLimit from 'p-limit';
import type { Digest } from '../digest';
import { ConfigError } from '../errors';
import { indexBlobs, type BlobSource } from '../oci/blobs';
import type { ImageIndex } from '../oci/image-index';
import { MediaTypes } from '../oci/media';
import { pushBlob, type BlobOutcome } from './blobs';
import type { RegistryClient } from './client';
import { putManifest } from './manifests';
import { formatReference, repositoryName, type Reference } from '../reference';
import { pushAttachment, type ReferrerOutcome } from './referrers';

/** A document to attach to one of the pushed manifests. */
export interface PushAttachment {
  /** Digest of the arch image manifest, or of the index, it describes. */
  readonly subject: Digest;
  readonly artifactType: string;
  readonly title: string;
  readonly bytes: Buffer;
}

/** Everything a push needs. */
export interface PushInput {
  readonly index: ImageIndex;
  /** Where the image goes; each names a tag (a reference with only a digest is pushed but not tagged). The first names the printed repository. */
  readonly targets: readonly Reference[];
  readonly attachments?: readonly PushAttachment[];
  /** Build date in seconds, for the attachments' created annotation. */
  readonly created: number;
  /** The client of a registry; called once per registry. */
  readonly clientFor: (registry: string) => RegistryClient;
  readonly chunkSize?: number;
  /** Blobs pushed in parallel per repository (default 4). */
  readonly concurrency?: number;
  /** Repositories of a registry that earlier pushes completed, most recent first: tried as mount sources after this push's own. */
  readonly mountCandidates?: (registry: string) => readonly string[];
  readonly log?: (line: string) => void;
}

/** What a push did. */
export interface PushResult {
  /** `<registry>/<repository>@<index digest>` in the first target's repository. */
  readonly reference: string;
  /** Each arch image's `<repo>@<digest>`, then the index's (apko's --image-refs lines). */
  readonly imageRefs: readonly string[];
  /** Blob outcomes over every repository. */
  readonly blobs: Readonly<Record<BlobOutcome, number>>;
  /** How each attachment became discoverable, in push order. */
  readonly attachments: readonly ReferrerOutcome[];
  /** Every reference tagged, formatted. */
  readonly tagged: readonly string[];
}

/** Layers and configs of every image, once each, in index order (manifests go up separately, after them). */
function imageBlobs(index: ImageIndex): BlobSource[] {
  return indexBlobs(index).filter((b) => b.mediaType !== MediaTypes.manifest && b.mediaType !== MediaTypes.index);
}

/** Pushes `input.index` with its images and attachments to every target, then tags. */
export async function pushImageIndex(input: PushInput): Promise<PushResult> {
  const log = input.log ?? (() => undefined);
  if (input.targets.length === 0) throw new ConfigError('a push needs at least one target reference', { path: 'tags', hint: 'name where the image goes, e.g. ghcr.io/acme/app:latest' });
  const clients = new Map<string, RegistryClient>();
  const clientOf = (registry: string) => {
    let c = clients.get(registry);
    if (c === undefined) clients.set(registry, (c = input.clientFor(registry)));
    return c;
  };
  const repos: Array<Pick<Reference, 'registry' | 'repository'>> = [];
  for (const t of input.targets) {
    if (!repos.some((r) => r.registry === t.registry && r.repository === t.repository)) repos.push({ registry: t.registry, repository: t.repository });
  }
  const counts: Record<BlobOutcome, number> = { existing: 0, mounted: 0, uploaded: 0 };
  const attached: ReferrerOutcome[] = [];
  const blobs = imageBlobs(input.index);
  const limit = pLimit(input.concurrency ?? 4);
  const subjects = new Map(input.index.images.map((img) => [img.manifest.digest, img.manifest] as const));
  const attachmentsFor = (digest: Digest) => (input.attachments ?? []).filter((a) => a.subject === digest);

  for (const [i, repo] of repos.entries()) {
    const client = clientOf(repo.registry);
    const name = repositoryName(repo);
    // Repositories already complete on the same registry can lend their blobs.
    const earlier = repos.slice(0, i).filter((r) => r.registry === repo.registry).map((r) => r.repository);
    const mountFrom = [...new Set([...earlier, ...(input.mountCandidates?.(repo.registry) ?? [])])].filter((r) => r !== repo.repository);
    const outcomes = await Promise.all(
      blobs.map((b) => limit(() => pushBlob(client, repo.repository, b, { mountFrom, ...(input.chunkSize !== undefined ? { chunkSize: input.chunkSize } : {}) }))),
    );
    const here: Record<BlobOutcome, number> = { existing: 0, mounted: 0, uploaded: 0 };
    for (const o of outcomes) here[o]++;
    for (const k of Object.keys(here) as BlobOutcome[]) counts[k] += here[k];
    log(`${name}: ${blobs.length} blobs (${here.uploaded} uploaded, ${here.mounted} mounted, ${here.existing} already there)`);
    const attach = async (subject: Pick<BlobSource, 'digest' | 'size' | 'mediaType'>) => {
      for (const a of attachmentsFor(subject.digest)) {
        const outcome = await pushAttachment(client, repo.repository, { ...a, subject, created: input.created }, { mountFrom });
        attached.push(outcome);
        log(`${name}: attached ${a.title} to ${subject.digest} (${outcome === 'referrers-api' ? 'referrers API' : 'referrers tag'})`);
      }
    };
    for (const img of input.index.images) {
      await putManifest(client, repo.repository, img.manifest.digest, img.manifest);
      await attach(subjects.get(img.manifest.digest)!);
    }
    await putManifest(client, repo.repository, input.index.manifest.digest, input.index.manifest);
    await attach(input.index.manifest);
  }

  const tagged: string[] = [];
  for (const t of input.targets) {
    if (t.tag === undefined) continue;
    await putManifest(clientOf(t.registry), t.repository, t.tag, input.index.manifest);
    const ref = formatReference({ registry: t.registry, repository: t.repository, tag: t.tag });
    tagged.push(ref);
    log(`tagged ${ref}`);
  }
  const home = repositoryName(input.targets[0]!);
  return {
    reference: `${home}@${input.index.manifest.digest}`,
    imageRefs: [...input.index.images.map((img) => `${home}@${img.manifest.digest}`), `${home}@${input.index.manifest.digest}`],
    blobs: counts,
    attachments: attached,
    tagged,
  };
}
