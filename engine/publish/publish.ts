/**
 * `publish`: the image build with no local output, then the push of the
 * index, its images and their SBOMs to every tag's repository, tags last
 * (engine/oci/registry/push.ts). SBOM files are written only when a path is
 * given, as apko does; the SBOMs are pushed either way unless `sbom` is
 * false. Credentials come from the environment and docker's config
 * (engine/oci/registry/docker-config.ts).
 */
import { isAbsolute, resolve } from 'node:path';
import type { Digest } from '../digest';
import { ConfigError, OutputError } from '../errors';
import { writeFileAtomic } from '../fs/atomic';
import {
  createRegistryClient,
  dockerCredentials,
  formatReference,
  parseReference,
  pushImageIndex,
  SPDX_ARTIFACT_TYPE,
  type PushAttachment,
  type PushResult,
  type Reference,
} from '../registry';
import { openStore, pushedKey, type Store } from '../store';
import { buildImageFromConfig, type BuildResult } from '../image/build';
import { normalizeBuildOptions, type BuildOptions, type NormalizedBuildOptions } from '../image/request';
import { toolVersion } from '../tool-version';

/** Loose publish options: the build's, minus the local output, plus where to push. */
export interface PublishOptions extends Omit<BuildOptions, 'tag' | 'output'> {
  /** Image references to push to (`host[:port]/repo[:tag]`); the first names the printed repository. */
  tags: string[];
  /** Allow plain HTTP to registries that are not on loopback. */
  insecure?: boolean;
  /** File to write the pushed references into: each arch's, then the index's, one per line. */
  imageRefs?: string;
}

/** Complete publish options. */
export interface NormalizedPublishOptions extends NormalizedBuildOptions {
  /** The references in canonical form, duplicates removed, in the order given. */
  readonly tags: readonly string[];
  readonly insecure: boolean;
  readonly imageRefs?: string;
}

/** What a publish did. */
export interface PublishResult extends PushResult {
  readonly indexDigest: Digest;
  readonly images: BuildResult['images'];
  /** SBOM files written (only with sbomPath). */
  readonly sboms: readonly string[];
  readonly warnings: readonly string[];
}

/** Parses a publish target; a reference by digest cannot be a target because the build decides the digest. */
function parseTarget(s: string): Reference {
  const ref = parseReference(s);
  if (ref.digest !== undefined) {
    throw new ConfigError(`"${s}" names a digest; publish pushes to tags, and the build decides the digest`, {
      path: 'tags',
      hint: 'drop the @sha256:… part and give a tag, e.g. ghcr.io/acme/app:latest',
    });
  }
  return ref;
}

/** Validates the references and fills the build's defaults (no local output). */
export function normalizePublishOptions(o: PublishOptions, cwd: string = o.cwd ?? process.cwd()): Readonly<NormalizedPublishOptions> {
  if (o.tags.length === 0) {
    throw new ConfigError('publish needs at least one image reference to push to', { path: 'tags', hint: 'e.g. apko-nx publish apko.yaml ghcr.io/acme/app:latest' });
  }
  const tags = [...new Set(o.tags.map((t) => formatReference(parseTarget(t))))];
  const { tags: _tags, insecure, imageRefs, ...build } = o;
  const normalized = normalizeBuildOptions({ ...build, tag: tags[0]! }, cwd);
  return Object.freeze({
    ...normalized,
    tags,
    insecure: insecure ?? false,
    ...(imageRefs !== undefined ? { imageRefs: isAbsolute(imageRefs) ? imageRefs : resolve(cwd, imageRefs) } : {}),
  });
}

/** The SBOM documents of the build, each attached to the manifest it describes (per arch, and the index). */
function sbomAttachments(built: BuildResult): PushAttachment[] {
  return built.sbomDocs.map((d) => ({ subject: d.subject, artifactType: SPDX_ARTIFACT_TYPE, title: d.name, bytes: Buffer.from(d.text, 'utf8') }));
}

const REMEMBERED_REPOSITORIES = 8;

/** Per registry of `targets`, the repositories earlier pushes completed (most recent first). */
async function rememberedRepositories(store: Store, targets: readonly Reference[]): Promise<Map<string, string[]>> {
  const known = new Map<string, string[]>();
  for (const registry of new Set(targets.map((t) => t.registry))) {
    const entry = await store.get(pushedKey(registry));
    let repos: unknown = [];
    try {
      repos = entry ? JSON.parse(entry.data.toString('utf8')) : [];
    } catch {
      repos = [];
    }
    known.set(registry, Array.isArray(repos) ? repos.filter((r): r is string => typeof r === 'string') : []);
  }
  return known;
}

/** Records the repositories this push completed, so later pushes can mount blobs from them. */
async function rememberPush(store: Store, targets: readonly Reference[], known: ReadonlyMap<string, readonly string[]>): Promise<void> {
  for (const registry of new Set(targets.map((t) => t.registry))) {
    const pushedNow = targets.filter((t) => t.registry === registry).map((t) => t.repository).reverse();
    const repos = [...new Set([...pushedNow, ...(known.get(registry) ?? [])])].slice(0, REMEMBERED_REPOSITORIES);
    await store.put(pushedKey(registry), Buffer.from(JSON.stringify(repos)));
  }
}

/** Builds the image and pushes it to every tag; writes the refs file when asked. */
export async function publishImage(opts: NormalizedPublishOptions): Promise<PublishResult> {
  const built = await buildImageFromConfig(opts);
  const attachments = opts.sbom ? sbomAttachments(built) : [];
  const credentials = dockerCredentials({ env: opts.env });
  const userAgent = `apko-nx/${toolVersion()}`;
  const targets = opts.tags.map(parseReference);
  const store = openStore(opts.cacheDir);
  const known = await rememberedRepositories(store, targets);
  const pushed = await pushImageIndex({
    index: built.index,
    targets,
    attachments,
    created: built.buildDate,
    clientFor: (registry) => createRegistryClient({ registry, insecure: opts.insecure, credentials, userAgent }),
    mountCandidates: (registry) => known.get(registry) ?? [],
    log: opts.log,
  });
  await rememberPush(store, targets, known);
  if (opts.imageRefs !== undefined) {
    try {
      await writeFileAtomic(opts.imageRefs, `${pushed.imageRefs.join('\n')}\n`);
    } catch (err) {
      throw new OutputError(`cannot write the image references to ${opts.imageRefs}: ${(err as Error).message}`, {
        file: opts.imageRefs,
        cause: err,
        hint: 'the image was pushed; choose a writable path for --image-refs',
      });
    }
  }
  return { ...pushed, indexDigest: built.indexDigest, images: built.images, sboms: built.sboms, warnings: built.warnings };
}
