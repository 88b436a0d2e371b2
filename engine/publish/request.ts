/**
 * The publish request, normalized once: the build's request (no local
 * output, named after the first tag) plus where to push, how, and where
 * registry credentials come from. The CLI, the executor and library users
 * share it; `publishImage` sees only the complete, frozen result.
 */
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors';
import { normalizeBuildRequest, type BuildRequest, type NormalizedBuildRequest } from '../image/request';
import { formatReference, parseReference, type Reference } from '../reference';
import { defaultCredentials, type CredentialSource } from '../registry';

/** Loose publish options: the build's, minus the local output, plus where to push. */
export interface PublishRequest extends Omit<BuildRequest, 'tag' | 'output'> {
  /** Image references to push to (`host[:port]/repo[:tag]`); the first names the printed repository. */
  readonly tags: readonly string[];
  /** Allow plain HTTP to registries that are not on loopback. */
  readonly insecure?: boolean;
  /** File to write the pushed references into: each arch's, then the index's, one per line. */
  readonly imageRefs?: string;
  /**
   * Where registry credentials come from, asked in order, first answer wins
   * (default `defaultCredentials(env)`: APKO_NX_REGISTRY_*, GITHUB_TOKEN for
   * ghcr.io, docker's config.json). Extend with `[mine, ...defaultCredentials(env)]`.
   */
  readonly credentials?: readonly CredentialSource[];
}

/** A complete publish request. */
export interface NormalizedPublishRequest extends NormalizedBuildRequest {
  /** The references in canonical form, duplicates removed, in the order given. */
  readonly tags: readonly string[];
  /** The same references, parsed. */
  readonly targets: readonly Reference[];
  readonly insecure: boolean;
  readonly imageRefs?: string;
  readonly credentials: readonly CredentialSource[];
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

/** Validates the references, fills the build's defaults (no local output) and the credential sources. */
export function normalizePublishRequest(o: PublishRequest, cwd: string = o.cwd ?? process.cwd()): Readonly<NormalizedPublishRequest> {
  if (o.tags.length === 0) {
    throw new ConfigError('publish needs at least one image reference to push to', { path: 'tags', hint: 'e.g. apko-nx publish apko.yaml ghcr.io/acme/app:latest' });
  }
  const tags = [...new Set(o.tags.map((t) => formatReference(parseTarget(t))))];
  const { tags: _tags, insecure, imageRefs, credentials, ...build } = o;
  const normalized = normalizeBuildRequest({ ...build, tag: tags[0]! }, cwd);
  return Object.freeze({
    ...normalized,
    tags: Object.freeze(tags),
    targets: Object.freeze(tags.map((t) => Object.freeze(parseReference(t)))),
    insecure: insecure ?? false,
    ...(imageRefs !== undefined ? { imageRefs: isAbsolute(imageRefs) ? imageRefs : resolve(cwd, imageRefs) } : {}),
    credentials: Object.freeze([...(credentials ?? defaultCredentials(normalized.env))]),
  });
}
