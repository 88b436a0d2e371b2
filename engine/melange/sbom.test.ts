import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../digest';
import { fnv128a, sanitizeIdPart, spdxForImage } from '../sbom';
import { packageSbom, sbomPath, type PackageSbomInput } from './sbom';

describe('fnv128a', () => {
  it('matches the FNV-1a 128-bit reference values', () => {
    expect(fnv128a('')).toBe('6c62272e07bb014262b821756295c58d');
    expect(fnv128a('a')).toBe('d228cb696f1a8caf78912b704e4a8964');
  });
});

describe('SPDX identifiers (melange stringToIdentifier)', () => {
  it('maps : and / to - and other characters to C<code point>', () => {
    expect(sanitizeIdPart('SPDXRef-Package-gtk+3-1.0_rc1-r0')).toBe('SPDXRef-Package-gtkC433-1.0C95rc1-r0');
    expect(sanitizeIdPart('a:b/c d')).toBe('a-b-cC32d');
  });
});

const purlOf = (i: PackageSbomInput): string => JSON.parse(packageSbom(i).toString('utf8')).packages[0].externalRefs[0].referenceLocator;
const base: PackageSbomInput = { name: 'hello', fullVersion: '1.0-r0', arch: 'x86_64', namespace: 'unknown', copyright: [], sourceDateEpoch: 0, licenseTexts: new Map() };

describe('the package purl', () => {
  it('adds distro only for a real namespace', () => {
    expect(purlOf(base)).toBe('pkg:apk/unknown/hello@1.0-r0?arch=x86_64');
    // `+` is percent-encoded, as packageurl-go and the purl specification (ECMA-427) require.
    expect(purlOf({ ...base, namespace: 'wolfi', name: 'gtk+3', arch: 'aarch64' })).toBe('pkg:apk/wolfi/gtk%2B3@1.0-r0?arch=aarch64&distro=wolfi');
  });

  it('is the purl the image SBOM gives the same installed package', () => {
    for (const [namespace, distro] of [['wolfi', 'wolfi'], ['unknown', undefined]] as const) {
      const embedded = JSON.parse(packageSbom({ ...base, namespace, name: 'gtk+3', fullVersion: '3.24.0-r1' }).toString('utf8'));
      const image = spdxForImage({
        arch: 'x86_64',
        ociArch: 'amd64',
        imageDigest: `sha256:${sha256Hex('m')}`,
        created: 0,
        os: distro === undefined ? undefined : { id: distro, name: 'Wolfi', prettyName: 'Wolfi' },
        toolVersion: '0',
        packages: [{ name: 'gtk+3', version: '3.24.0-r1', arch: 'x86_64', license: 'MIT', checksum: 'Q1' + Buffer.alloc(20).toString('base64'), depends: [], embeddedSbom: embedded }],
      });
      const gtk = image.packages.find((p) => p.name === 'gtk+3')!;
      expect(gtk.SPDXID).toBe(embedded.packages[0].SPDXID);
      expect(gtk.externalRefs!.map((r) => r.referenceLocator)).toEqual([embedded.packages[0].externalRefs[0].referenceLocator]);
    }
  });
});

describe('packageSbom', () => {
  const input = {
    name: 'hello',
    fullVersion: '1.0-r2',
    arch: 'x86_64',
    namespace: 'unknown',
    copyright: [{ license: 'MIT', attestation: 'Copyright <me> & co' }],
    sourceDateEpoch: 1700000000,
    configFile: { path: 'pkgs/hello/melange.yaml', commit: 'a'.repeat(40) },
    licenseTexts: new Map([['LicenseRef-x', 'text']]),
  };

  it('describes the package and its configuration as melange does', () => {
    const doc = JSON.parse(packageSbom(input).toString('utf8'));
    expect(doc).toEqual({
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'apk-hello-1.0-r2',
      spdxVersion: 'SPDX-2.3',
      creationInfo: { created: '2023-11-14T22:13:20Z', creators: ['Tool: apko-nx'], licenseListVersion: '3.22' },
      dataLicense: 'CC0-1.0',
      documentNamespace: `https://spdx.org/spdxdocs/chainguard/melange/${fnv128a('apk-unknown-1.0-r2')}`,
      documentDescribes: ['SPDXRef-Package-hello-1.0-r2'],
      packages: [
        {
          SPDXID: 'SPDXRef-Package-hello-1.0-r2',
          name: 'hello',
          versionInfo: '1.0-r2',
          filesAnalyzed: false,
          licenseConcluded: 'NOASSERTION',
          licenseDeclared: 'MIT',
          downloadLocation: 'NOASSERTION',
          originator: 'Organization: Unknown',
          supplier: 'Organization: Unknown',
          copyrightText: 'Copyright <me> & co\n',
          externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceLocator: 'pkg:apk/unknown/hello@1.0-r2?arch=x86_64', referenceType: 'purl' }],
        },
        {
          SPDXID: `SPDXRef-Package-pkgs-hello-melange.yaml-${'a'.repeat(40)}`,
          name: 'pkgs/hello/melange.yaml',
          versionInfo: 'a'.repeat(40),
          filesAnalyzed: false,
          licenseConcluded: 'NOASSERTION',
          // melange's --license (default NOASSERTION), not the package's.
          licenseDeclared: 'NOASSERTION',
          downloadLocation: 'NOASSERTION',
          originator: 'Organization: Unknown',
          supplier: 'Organization: Unknown',
        },
      ],
      relationships: [
        { spdxElementId: 'SPDXRef-Package-hello-1.0-r2', relationshipType: 'DESCRIBED_BY', relatedSpdxElement: `SPDXRef-Package-pkgs-hello-melange.yaml-${'a'.repeat(40)}` },
      ],
      hasExtractedLicensingInfos: [{ licenseId: 'LicenseRef-x', extractedText: 'text' }],
    });
  });

  it('gives the configuration the --license and, for a github.com --git-repo-url, a purl with the file as subpath', () => {
    const doc = JSON.parse(packageSbom({ ...input, configFile: { ...input.configFile, license: 'Apache-2.0', repositoryUrl: 'https://github.com/Acme/Pkgs' } }).toString('utf8'));
    expect(doc.packages[1]).toMatchObject({
      licenseDeclared: 'Apache-2.0',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:github/acme/pkgs@${'a'.repeat(40)}#pkgs/hello/melange.yaml` }],
    });
    const other = JSON.parse(packageSbom({ ...input, configFile: { ...input.configFile, repositoryUrl: 'https://git.example/acme/pkgs' } }).toString('utf8'));
    expect(other.packages[1].externalRefs).toBeUndefined();
  });

  it('escapes <, > and & as Go does and ends with a newline', () => {
    const text = packageSbom(input).toString('utf8');
    expect(text).toContain('"copyrightText": "Copyright \\u003cme\\u003e \\u0026 co\\n"');
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('says NOASSERTION without licenses and leaves out the configuration without a commit', () => {
    const doc = JSON.parse(packageSbom({ ...input, copyright: [], configFile: undefined, licenseTexts: new Map() }).toString('utf8'));
    expect(doc.packages).toHaveLength(1);
    expect(doc.packages[0].licenseDeclared).toBe('NOASSERTION');
    expect(doc.packages[0].copyrightText).toBeUndefined();
    expect(doc.relationships).toEqual([]);
    expect(doc.hasExtractedLicensingInfos).toBeUndefined();
  });

  it('lives at var/lib/db/sbom/<name>-<full-version>.spdx.json', () => {
    expect(sbomPath('hello', '1.0-r2')).toBe('var/lib/db/sbom/hello-1.0-r2.spdx.json');
  });
});
