/**
 * `publish`: the image build with no local output, then the push of the
 * index, its images and their SBOMs to every tag's repository, tags last
 * (engine/registry/push.ts). SBOM files are written only when a path is
 * given, as apko does; the SBOMs are pushed either way unless `sbom` is
 * false. Credentials come from the request's chain of sources
 * (engine/registry/authn/), by default the environment and docker's config.
 */
import type { Digest } from '../digest';
import { OutputError } from '../errors';
import { writeFileAtomic } from '../fs/atomic';
import { buildImageFromConfig, type BuildResult } from '../image/build';
import type { Reference } from '../reference';
import { createRegistryClient, credentialChain, pushImageIndex, type PushAttachment, type PushResult } from '../registry';
import { openStore, pushedKey, type Store } from '../store';
import { toolVersion } from '../tool-version';
import type { NormalizedPublishRequest } from './request';

export {
  normalizePublishRequest,
  type PublishRequest,
  type NormalizedPublishRequest,
} from './request';

/** What a publish did. */
export interface PublishResult extends PushResult {
  readonly indexDigest: Digest;
  readonly images: BuildResult['images'];
  /** SBOM files written (only with sbomPath). */
  readonly sboms: readonly string[];
  readonly warnings: readonly string[];
}

/** The SBOM documents of the build, each attached to the manifest it describes (per arch, and the index), typed by its format. */
function sbomAttachments(built: BuildResult): PushAttachment[] {
  return built.sbomDocs.map((d) => ({ subject: d.subject, artifactType: d.artifactType, title: d.name, bytes: Buffer.from(d.text, 'utf8') }));
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
export async function publishImage(opts: NormalizedPublishRequest): Promise<PublishResult> {
  const built = await buildImageFromConfig(opts);
  const attachments = opts.sbom ? sbomAttachments(built) : [];
  const credentials = credentialChain(opts.credentials);
  const userAgent = `apko-nx/${toolVersion()}`;
  const targets = opts.targets;
  const store = openStore(opts.cacheDir);
  const known = await rememberedRepositories(store, targets);
  const pushed = await pushImageIndex({
    index: built.index,
    targets,
    attachments,
    created: built.buildDate,
    clientFor: (registry) =>
      createRegistryClient({ registry, insecure: opts.insecure, credentials, userAgent, deadlineMs: opts.fetch.deadlineMs, timeoutMs: opts.fetch.stallMs }),
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
