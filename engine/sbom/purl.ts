/**
 * Package URLs (purl) for the packages an image SBOM lists. Components are
 * percent-encoded byte by byte, keeping only `A-Z a-z 0-9 . - _ ~`; the
 * qualifiers are sorted by key. The `:` of a digest is encoded too
 * (`sha256%3A…`), as apko, packageurl-go and the purl test suite write it;
 * parsers decode both forms alike.
 */
import { splitReference } from '../reference';
import { compareBytes } from '../order';

/** Percent-encodes a purl component (UTF-8, uppercase hex). */
export function encodePurlComponent(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9._~-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function withQualifiers(base: string, qualifiers: Record<string, string | undefined>): string {
  const pairs = Object.entries(qualifiers)
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .sort((a, b) => compareBytes(a[0], b[0]))
    .map(([k, v]) => `${k}=${encodePurlComponent(v)}`);
  return pairs.length === 0 ? base : `${base}?${pairs.join('&')}`;
}

/** An installed package's identity for a purl. */
export interface ApkPurlInput {
  readonly name: string;
  readonly version: string;
  readonly arch: string;
}

/**
 * `pkg:apk/<distro>/<name>@<version>?arch=<arch>&distro=<distro>`. Without a
 * distro (no /etc/os-release) the namespace is `unknown` and the qualifier is
 * left out, as melange does. The apk purl type lowercases namespace and name.
 */
export function apkPurl(pkg: ApkPurlInput, distro?: string): string {
  const ns = (distro ?? 'unknown').toLowerCase();
  const base = `pkg:apk/${encodePurlComponent(ns)}/${encodePurlComponent(pkg.name.toLowerCase())}@${encodePurlComponent(pkg.version)}`;
  return withQualifiers(base, { arch: pkg.arch, distro: distro?.toLowerCase() });
}

/** What an OCI purl names: an image or index by digest, and where it was published. */
export interface OciPurlInput {
  /** Last path segment of the repository (lowercased), or `image`. */
  readonly name: string;
  readonly digest: string;
  readonly mediaType: string;
  readonly arch?: string;
  readonly os?: string;
  /** Repository without tag or digest, e.g. `cgr.dev/chainguard/nginx`. */
  readonly repositoryUrl?: string;
  readonly tag?: string;
}

/**
 * `pkg:oci/<name>@sha256%3A…?arch=…&mediaType=…&os=…&repository_url=…&tag=…`.
 * `mediaType` keeps apko's spelling so the purls match apko's SBOMs.
 */
export function ociPurl(o: OciPurlInput): string {
  const base = `pkg:oci/${encodePurlComponent(o.name.toLowerCase())}@${encodePurlComponent(o.digest)}`;
  return withQualifiers(base, {
    arch: o.arch,
    mediaType: o.mediaType,
    os: o.os,
    repository_url: o.repositoryUrl,
    tag: o.tag,
  });
}

/** An image reference split into what purls and SBOM names need. */
export interface ImageRefParts {
  readonly name: string;
  readonly repositoryUrl?: string;
  readonly tag?: string;
}

/** Splits `registry/path/name:tag@digest`; an absent or empty ref names the image `image`. */
export function parseImageRef(ref: string | undefined): ImageRefParts {
  const { name: repositoryUrl, tag } = splitReference((ref ?? '').trim());
  if (repositoryUrl === '') return { name: 'image' };
  const name = repositoryUrl.slice(repositoryUrl.lastIndexOf('/') + 1).toLowerCase() || 'image';
  return { name, repositoryUrl, ...(tag ? { tag } : {}) };
}

/** `pkg:github/<owner>/<repo>@<commit>` for a github.com repository URL, else undefined. */
export function githubPurl(repoUrl: string, commit: string): string | undefined {
  const m = /^(?:[a-z+]+:\/\/)?(?:[^@/]+@)?github\.com[/:]([^/]+)\/([^/]+?)(?:\.git)?\/?$/i.exec(repoUrl);
  if (m === null) return undefined;
  const [owner, repo] = [m[1]!.toLowerCase(), m[2]!.toLowerCase()];
  return `pkg:github/${encodePurlComponent(owner)}/${encodePurlComponent(repo)}@${encodePurlComponent(commit)}`;
}
