/**
 * The source the image was built from (`vcs-url`, `<repository>@<commit>`),
 * as an SPDX package with purpose SOURCE; the image is GENERATED_FROM it.
 */
import { githubPurl } from './purl';
import { spdxId } from './spdx-id';
import type { SpdxPackage } from './spdx-model';

/** A vcs-url split into repository and revision. */
export interface VcsRef {
  readonly url: string;
  readonly commit?: string;
}

/** Splits `<url>@<revision>`; an `@` inside the authority (`git@host`) is userinfo, not a revision. */
export function parseVcsUrl(vcsUrl: string): VcsRef {
  const at = vcsUrl.lastIndexOf('@');
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(vcsUrl)?.[0].length ?? 0;
  const pathStart = vcsUrl.indexOf('/', scheme);
  if (at === -1 || pathStart === -1 || at < pathStart) return { url: vcsUrl };
  const rev = vcsUrl.slice(at + 1);
  if (rev === '' || rev.includes('/') || rev.includes(':')) return { url: vcsUrl };
  return { url: vcsUrl.slice(0, at), commit: rev };
}

/** The SPDX package for the source repository. */
export function sourceSpdxPackage(vcsUrl: string): SpdxPackage {
  const parsed = parseVcsUrl(vcsUrl.trim());
  // Userinfo may hold a token (https://x-access-token:…@github.com/…); it never reaches the SBOM.
  const url = parsed.url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]+@/i, '$1');
  const commit = parsed.commit;
  const name = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^[^@/]+@/, '');
  // SPDX download locations name the VCS tool: git+https://host/repo@rev.
  const location = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? (url.startsWith('git+') ? url : `git+${url}`) : undefined;
  const purl = commit === undefined ? undefined : githubPurl(url, commit);
  return {
    SPDXID: spdxId('Source', name),
    name,
    ...(commit === undefined ? {} : { versionInfo: commit }),
    filesAnalyzed: false,
    downloadLocation: location === undefined ? 'NOASSERTION' : `${location}${commit === undefined ? '' : `@${commit}`}`,
    primaryPackagePurpose: 'SOURCE',
    ...(commit !== undefined && /^[0-9a-f]{40}$/.test(commit)
      ? { checksums: [{ algorithm: 'SHA1', checksumValue: commit }] }
      : {}),
    ...(purl === undefined
      ? {}
      : { externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER' as const, referenceType: 'purl', referenceLocator: purl }] }),
  };
}
