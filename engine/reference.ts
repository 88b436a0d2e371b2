/**
 * Image references, the one parser of `[host[:port]/]path[:tag][@digest]`
 * strings. `splitReference` cuts a string into name, tag and digest without
 * judging them (the docker tarball's RepoTags keep the name as written);
 * `parseReference` reads it as docker does: the first path component is a
 * registry when it contains `.` or `:` or is `localhost`; otherwise the
 * registry is Docker Hub, named `index.docker.io` (as go-containerregistry
 * names it), and a one-component path gains `library/`. With neither tag nor
 * digest the tag is `latest`.
 */
import { parseDigest, type Digest } from './digest';
import { ConfigError, OutputError } from './errors';

/** Docker Hub's registry name in references, API URLs and credential lookups. */
export const DOCKER_HUB = 'index.docker.io';

/** A parsed image reference. */
export interface Reference {
  /** `host[:port]`, e.g. `ghcr.io`, `127.0.0.1:5000`, `index.docker.io`. */
  readonly registry: string;
  /** The repository path inside the registry, e.g. `library/alpine`. */
  readonly repository: string;
  /** The tag; `latest` when the reference named neither tag nor digest. */
  readonly tag?: string;
  readonly digest?: Digest;
}

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

function invalid(input: string, why: string): ConfigError {
  return new ConfigError(`"${input}" is not a valid image reference: ${why}`, {
    path: 'tags',
    hint: 'write references as host[:port]/repository[:tag], e.g. ghcr.io/acme/app:1.0 or 127.0.0.1:5000/app:latest',
  });
}

/** A reference cut into its parts as written: nothing validated, nothing defaulted. */
export interface ReferenceParts {
  /** Everything before the tag and digest, e.g. `127.0.0.1:5000/acme/app`. */
  readonly name: string;
  readonly tag?: string;
  /** The text after `@`, unchecked. */
  readonly digest?: string;
}

/** Cuts `input` at `@` (the digest) and at a `:` after the last `/` (the tag; an earlier `:` is a port). */
export function splitReference(input: string): ReferenceParts {
  const at = input.indexOf('@');
  const rest = at < 0 ? input : input.slice(0, at);
  const colon = rest.lastIndexOf(':');
  const hasTag = colon > rest.lastIndexOf('/');
  return {
    name: hasTag ? rest.slice(0, colon) : rest,
    ...(hasTag ? { tag: rest.slice(colon + 1) } : {}),
    ...(at >= 0 ? { digest: input.slice(at + 1) } : {}),
  };
}

/** The registry name for `host`: Docker Hub's aliases become `index.docker.io`, others stay as they are. */
export function canonicalRegistry(host: string): string {
  return HUB_ALIASES.has(host.toLowerCase()) ? DOCKER_HUB : host;
}

/** Parses an image reference; anything malformed is a ConfigError naming the reference and the rule it breaks. */
export function parseReference(input: string): Reference {
  const parts = splitReference(input);
  let digest: Digest | undefined;
  if (parts.digest !== undefined) {
    try {
      digest = parseDigest(parts.digest);
    } catch {
      throw invalid(input, `"${parts.digest}" is not a sha256 digest`);
    }
  }
  let tag = parts.tag;
  if (tag !== undefined && !TAG.test(tag)) throw invalid(input, `the tag "${tag}" must be 1–128 of [A-Za-z0-9_.-], not starting with . or -`);
  const rest = parts.name;
  const slash = rest.indexOf('/');
  const first = slash < 0 ? '' : rest.slice(0, slash);
  let registry: string;
  let path: string;
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    if (!DOMAIN.test(first)) throw invalid(input, `"${first}" is not a registry host[:port]`);
    registry = canonicalRegistry(first);
    path = rest.slice(slash + 1);
  } else {
    registry = DOCKER_HUB;
    path = rest;
  }
  if (path === '') throw invalid(input, 'the repository is empty');
  for (const component of path.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      throw invalid(input, `the repository component "${component}" must be lowercase letters and digits, separated by ., _, __ or -`);
    }
  }
  if (registry === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;
  if (`${registry}/${path}`.length > 255) throw invalid(input, 'the name is longer than 255 characters');
  if (tag === undefined && digest === undefined) tag = 'latest';
  return { registry, repository: path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/**
 * The name and tag a local output is tagged with (`myimage` → `myimage:latest`),
 * the name kept as written; a digest is refused, since the build decides it.
 */
export function splitTag(ref: string): [repo: string, tag: string] {
  const parts = splitReference(ref);
  if (parts.digest !== undefined || ref === '') {
    throw new OutputError(`"${ref}" is not a tag reference`, { file: ref, hint: 'tag the image as name[:tag], e.g. myimage:latest' });
  }
  return [parts.name, parts.tag ?? 'latest'];
}

/**
 * Checks the tag a build names its image with, by the same rules `publish`
 * applies (`parseReference`), so an image is never written under a name it
 * could not be pushed as; a digest is refused, since the build decides it.
 * The name itself is kept as written (splitTag).
 */
export function checkBuildTag(tag: string): void {
  if (tag.startsWith('@')) {
    const colon = tag.lastIndexOf(':');
    const [name, version] = colon > tag.lastIndexOf('/') ? [tag.slice(0, colon), tag.slice(colon + 1)] : [tag, 'latest'];
    throw new ConfigError(`the tag "${tag}" is not a valid image reference: a name cannot start with @`, {
      path: 'tag',
      hint: `write the scoped name without its @, e.g. ${imageNameFor(name)}:${version} (as the default tag does)`,
    });
  }
  if (tag.includes('@')) {
    throw new ConfigError(`the tag "${tag}" names a digest`, {
      path: 'tag',
      hint: 'tag the image as name[:tag], e.g. myimage:latest; the build decides the digest',
    });
  }
  try {
    parseReference(tag);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError(`the tag ${err.message}`, { path: 'tag', hint: err.hint, cause: err });
  }
}

/**
 * The image name a project's name maps to, so that every Nx or package.json
 * name gives a valid reference: lowercased; a leading `@` dropped (`@ws/api`
 * → `ws/api`, the scoped names `create-nx-workspace --preset=ts` makes);
 * in each `/`-separated component every character outside `[a-z0-9._-]`
 * becomes `-`, a run of separators that is not `.`, `_`, `__` or dashes
 * becomes one `-`, and separators at either end are dropped; empty
 * components are dropped, and nothing left gives `image`.
 */
export function imageNameFor(project: string): string {
  const components = project
    .toLowerCase()
    .replace(/^@/, '')
    .split('/')
    .map((c) =>
      c
        .replace(/[^a-z0-9._-]/g, '-')
        .replace(/[._-]{2,}/g, (run) => (run === '__' || /^-+$/.test(run) ? run : '-'))
        .replace(/^[._-]+|[._-]+$/g, ''),
    )
    .filter((c) => c !== '');
  return components.length > 0 ? components.join('/') : 'image';
}

/** `registry/repository`, the name a pushed digest is printed under. */
export function repositoryName(ref: Pick<Reference, 'registry' | 'repository'>): string {
  return `${ref.registry}/${ref.repository}`;
}

/** The reference in canonical form: `registry/repository[:tag][@digest]`. */
export function formatReference(ref: Reference): string {
  return `${repositoryName(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}
