/**
 * The SPDX 2.3 document a package embeds at
 * `var/lib/db/sbom/<name>-<version>-r<epoch>.spdx.json`: one APK package,
 * plus the build configuration (`DESCRIBED_BY`) when its git commit is
 * known. Identifiers, fields and the document namespace follow melange's
 * `pkg/sbom` (`package.go`, `document.go`: FNV-128a of
 * `apk-<namespace>-<full-version>`); the creator is apko-nx. The purl is the
 * one an image SBOM gives the same package (purl.ts), so the two agree.
 */
import { compareBytes } from '../order';
import { rfc3339 } from '../time';
import { apkPurl, encodePurlComponent, githubPurl } from './purl';
import { spdxId } from './spdx-id';
import type { SpdxDocument, SpdxPackage } from './spdx-model';
import type { PackageSbomInput } from './types';

/** FNV-1a, 128 bits, as Go's hash/fnv New128a (hex). */
export function fnv128a(s: string): string {
  const prime = 0x0000000001000000000000000000013bn;
  const mask = (1n << 128n) - 1n;
  let h = 0x6c62272e07bb014262b821756295c58dn;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= BigInt(b);
    h = (h * prime) & mask;
  }
  return h.toString(16).padStart(32, '0');
}

/** melange's namespace when none is given; it names no distro, so the purl has no `distro` qualifier. */
const NO_NAMESPACE = 'unknown';

/** The package's own SBOM document. */
export function spdxForPackage(i: PackageSbomInput): SpdxDocument {
  // melange's getSupplier title-cases the namespace (`wolfi` → `Wolfi`).
  const supplier = `Organization: ${i.namespace.charAt(0).toUpperCase()}${i.namespace.slice(1)}`;
  const license = i.copyright.map((c) => c.license).join(' AND ') || 'NOASSERTION';
  const copyrightText = i.copyright.map((c) => `${c.attestation}\n`).join('');
  const id = spdxId('Package', `${i.name}-${i.fullVersion}`);
  const purl = apkPurl({ name: i.name, version: i.fullVersion, arch: i.arch }, i.namespace === NO_NAMESPACE ? undefined : i.namespace);
  const common = { filesAnalyzed: false, licenseConcluded: 'NOASSERTION', licenseDeclared: license, downloadLocation: 'NOASSERTION', originator: supplier, supplier } as const;
  const packages: SpdxPackage[] = [
    {
      SPDXID: id,
      name: i.name,
      versionInfo: i.fullVersion,
      ...common,
      ...(copyrightText !== '' ? { copyrightText } : {}),
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl }],
    },
  ];
  const relationships = [];
  if (i.configFile !== undefined) {
    const cfgId = spdxId('Package', `${i.configFile.path}-${i.configFile.commit}`);
    // melange gives the configuration its own license (--license) and, for a github.com repository, a purl with the file as subpath.
    const cfgPurl = i.configFile.repositoryUrl !== undefined ? githubPurl(i.configFile.repositoryUrl, i.configFile.commit) : undefined;
    packages.push({
      SPDXID: cfgId,
      name: i.configFile.path,
      versionInfo: i.configFile.commit,
      ...common,
      licenseDeclared: i.configFile.license ?? 'NOASSERTION',
      ...(cfgPurl !== undefined ? { externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `${cfgPurl}#${i.configFile.path.split('/').map(encodePurlComponent).join('/')}` }] } : {}),
    });
    relationships.push({ spdxElementId: id, relationshipType: 'DESCRIBED_BY', relatedSpdxElement: cfgId });
  }
  const licensing = [...i.licenseTexts.keys()].sort(compareBytes).map((k) => ({ licenseId: k, extractedText: i.licenseTexts.get(k)! }));
  return {
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `apk-${i.name}-${i.fullVersion}`,
    spdxVersion: 'SPDX-2.3',
    creationInfo: { created: rfc3339(i.sourceDateEpoch), creators: ['Tool: apko-nx'], licenseListVersion: '3.22' },
    dataLicense: 'CC0-1.0',
    documentNamespace: `https://spdx.org/spdxdocs/chainguard/melange/${fnv128a(`apk-${i.namespace}-${i.fullVersion}`)}`,
    documentDescribes: [id],
    packages,
    relationships,
    ...(licensing.length > 0 ? { hasExtractedLicensingInfos: licensing } : {}),
  };
}
