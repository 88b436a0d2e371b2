/**
 * The SPDX 2.3 document melange embeds in every package at
 * `var/lib/db/sbom/<name>-<version>-r<epoch>.spdx.json`: one APK package
 * (purl `pkg:apk/<namespace>/<name>@<full-version>?arch=<arch>`), plus the
 * build configuration (`DESCRIBED_BY`) when its git commit is known. Field
 * order, identifiers and the document namespace follow melange's
 * `pkg/sbom` (FNV-128a of `apk-<namespace>-<full-version>`); the creator is
 * apko-nx. Bytes depend only on the inputs: `created` is the source date
 * epoch and maps are emitted in sorted order.
 */
import type { Copyright } from './model';

/** What goes into one package's SBOM. */
export interface PackageSbomInput {
  readonly name: string;
  readonly fullVersion: string;
  readonly arch: string;
  /** melange's `--namespace`; `unknown` by default. */
  readonly namespace: string;
  readonly copyright: readonly Copyright[];
  readonly sourceDateEpoch: number;
  /** The melange.yaml, named relative to its repository, at the commit it was built from. */
  readonly configFile?: { readonly path: string; readonly commit: string };
  /** License texts by license id, from `copyright[].license-path`. */
  readonly licenseTexts: ReadonlyMap<string, string>;
}

/** Where the SBOM sits in the package. */
export function sbomPath(name: string, fullVersion: string): string {
  return `var/lib/db/sbom/${name}-${fullVersion}.spdx.json`;
}

/** melange's `stringToIdentifier`: `:` and `/` become `-`; other characters outside [A-Za-z0-9.-] become `C<code point>`. */
export function spdxIdentifier(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === ':' || ch === '/') out += '-';
    else if (/^[A-Za-z0-9.-]$/.test(ch)) out += ch;
    else out += `C${ch.codePointAt(0)}`;
  }
  return out;
}

/** FNV-1a, 128 bits, as Go's hash/fnv New128a. */
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

/** A purl path segment: unreserved characters and `+` stay, the rest is percent-encoded. */
function purlSegment(s: string): string {
  return Buffer.from(s, 'utf8')
    .toString('binary')
    .replace(/[^A-Za-z0-9._~+-]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** The package's purl, with `distro` only for a real namespace (melange's newAPKPackageURL). */
export function apkPurl(p: { namespace: string; name: string; fullVersion: string; arch: string }): string {
  const { namespace, name, fullVersion, arch } = p;
  const q = [`arch=${purlSegment(arch)}`];
  if (namespace !== 'unknown') q.push(`distro=${purlSegment(namespace)}`);
  return `pkg:apk/${purlSegment(namespace)}/${purlSegment(name)}@${purlSegment(fullVersion)}?${q.join('&')}`;
}

/** Go's json.Encoder escapes these even inside strings; matching it keeps the bytes melange-like. */
function goJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The SBOM document's bytes. */
export function packageSbom(i: PackageSbomInput): Buffer {
  const supplier = `Organization: ${i.namespace.charAt(0).toUpperCase()}${i.namespace.slice(1)}`;
  const license = i.copyright.map((c) => c.license).join(' AND ') || 'NOASSERTION';
  const copyrightText = i.copyright.map((c) => `${c.attestation}\n`).join('');
  const id = spdxIdentifier(`SPDXRef-Package-${i.name}-${i.fullVersion}`);
  const packages: object[] = [
    {
      SPDXID: id,
      name: i.name,
      versionInfo: i.fullVersion,
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: license,
      downloadLocation: 'NOASSERTION',
      originator: supplier,
      supplier,
      ...(copyrightText !== '' ? { copyrightText } : {}),
      externalRefs: [
        { referenceCategory: 'PACKAGE-MANAGER', referenceLocator: apkPurl(i), referenceType: 'purl' },
      ],
    },
  ];
  const relationships: object[] = [];
  if (i.configFile !== undefined) {
    const cfgId = spdxIdentifier(`SPDXRef-Package-${i.configFile.path}-${i.configFile.commit}`);
    packages.push({
      SPDXID: cfgId,
      name: i.configFile.path,
      versionInfo: i.configFile.commit,
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: license,
      downloadLocation: 'NOASSERTION',
      originator: supplier,
      supplier,
    });
    relationships.push({ spdxElementId: id, relationshipType: 'DESCRIBED_BY', relatedSpdxElement: cfgId });
  }
  const licensing = [...i.licenseTexts.keys()].sort().map((k) => ({ licenseId: k, extractedText: i.licenseTexts.get(k)! }));
  const doc = {
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `apk-${i.name}-${i.fullVersion}`,
    spdxVersion: 'SPDX-2.3',
    creationInfo: {
      created: new Date(i.sourceDateEpoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      creators: ['Tool: apko-nx'],
      licenseListVersion: '3.22',
    },
    dataLicense: 'CC0-1.0',
    documentNamespace: `https://spdx.org/spdxdocs/chainguard/melange/${fnv128a(`apk-${i.namespace}-${i.fullVersion}`)}`,
    documentDescribes: [id],
    packages,
    relationships,
    ...(licensing.length > 0 ? { hasExtractedLicensingInfos: licensing } : {}),
  };
  return Buffer.from(goJson(doc), 'utf8');
}
