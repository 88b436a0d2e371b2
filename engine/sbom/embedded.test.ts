import { describe, expect, it } from 'vitest';
import { FormatError } from '../errors';
import { readEmbeddedSbom } from './embedded';
import { spdxForImage } from './image';
import { serializeSpdx } from './serialize';
import type { SpdxDocument } from './spdx-model';
import { loadJson, pkg, wolfiImage } from './testdata/inputs';
import type { ImageSbomInput } from './types';

const CONFIG = 'SPDXRef-Package-hello-wolfi.yaml-4f2b1ac1e0b7a0f3b6c1d8e7f5a4b3c2d1e0f9a8';
const SOURCE = 'SPDXRef-Package-hello-2.12.1';
const HELLO = 'SPDXRef-Package-hello-wolfi-2.12.1-r0';
const HELLO_DOC = 'SPDXRef-Package-hello-wolfi-doc-2.12.1-r0';

const edges = (doc: SpdxDocument): string[] =>
  doc.relationships.map((r) => `${r.spdxElementId} ${r.relationshipType} ${r.relatedSpdxElement}`);

/** A melange-style package SBOM for `name`, with extra packages linked from the APK by `link`. */
function melangeSbom(name: string, version: string, extra: Array<Record<string, unknown>>, more: Record<string, unknown> = {}): unknown {
  const top = `SPDXRef-Package-${name}-${version}`;
  return {
    SPDXID: 'SPDXRef-DOCUMENT',
    spdxVersion: 'SPDX-2.3',
    name: `apk-${name}-${version}`,
    documentDescribes: [top],
    packages: [{ SPDXID: top, name, versionInfo: version, downloadLocation: 'NOASSERTION' }, ...extra],
    relationships: extra.map((p) => ({ spdxElementId: top, relationshipType: 'GENERATED_FROM', relatedSpdxElement: p.SPDXID })),
    ...more,
  };
}

function withPackages(...extra: ImageSbomInput['packages']): ImageSbomInput {
  const base = wolfiImage();
  return { ...base, packages: [...base.packages, ...extra] };
}

describe('embedded package SBOMs', () => {
  it('imports shared origin packages once and points their edges at the APK entries', () => {
    const doc = spdxForImage(wolfiImage());
    expect(doc.packages.filter((p) => p.name === 'hello-wolfi')).toHaveLength(1);
    expect(doc.packages.filter((p) => p.SPDXID === CONFIG || p.SPDXID === SOURCE).map((p) => p.name)).toEqual([
      'hello',
      'hello-wolfi.yaml',
    ]);
    expect(edges(doc)).toEqual(
      expect.arrayContaining([
        `${HELLO} DESCRIBED_BY ${CONFIG}`,
        `${HELLO} GENERATED_FROM ${SOURCE}`,
        `${HELLO_DOC} DESCRIBED_BY ${CONFIG}`,
        `${HELLO_DOC} GENERATED_FROM ${SOURCE}`,
      ]),
    );
    const ids = doc.packages.map((p) => p.SPDXID);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps the APK entry authoritative and fills copyright and originator from its SBOM', () => {
    const hello = spdxForImage(wolfiImage()).packages.find((p) => p.SPDXID === HELLO)!;
    expect(hello.supplier).toBe('NOASSERTION');
    expect(hello.checksums![0]!.algorithm).toBe('SHA1');
    expect(hello.externalRefs![0]!.referenceLocator).toBe('pkg:apk/wolfi/hello-wolfi@2.12.1-r0?arch=x86_64&distro=wolfi');
    expect(hello.copyrightText).toBe('Copyright (C) 1992-2022 Free Software Foundation, Inc.');
    expect(hello.originator).toBe('Organization: Wolfi');
  });

  it('carries the license definitions a package SBOM provides', () => {
    const doc = spdxForImage(wolfiImage());
    expect(doc.packages.find((p) => p.SPDXID === HELLO_DOC)!.licenseDeclared).toBe(
      'GFDL-1.3-or-later AND LicenseRef-gnu-manual-notice',
    );
    expect(doc.hasExtractedLicensingInfos!.map((e) => [e.licenseId, e.name])).toEqual([
      ['LicenseRef-gnu-manual-notice', 'GNU manual notice'],
    ]);
  });

  it('gives each variant of an id that names different packages its own id', () => {
    const src = (url: string) => ({ SPDXID: 'SPDXRef-Package-src-1', name: 'src', versionInfo: '1', downloadLocation: url });
    const doc = spdxForImage(
      withPackages(
        pkg('one', '1-r0', { embeddedSbom: melangeSbom('one', '1-r0', [src('https://a.example/src.tgz')]) }),
        pkg('two', '1-r0', { embeddedSbom: melangeSbom('two', '1-r0', [src('https://b.example/src.tgz')]) }),
      ),
    );
    const variants = doc.packages.filter((p) => p.name === 'src');
    expect(variants).toHaveLength(2);
    for (const v of variants) expect(v.SPDXID).toMatch(/^SPDXRef-Package-src-1-[0-9a-f]{12}$/);
    const a = variants.find((v) => v.downloadLocation === 'https://a.example/src.tgz')!.SPDXID;
    const b = variants.find((v) => v.downloadLocation === 'https://b.example/src.tgz')!.SPDXID;
    expect(edges(doc)).toEqual(
      expect.arrayContaining([`SPDXRef-Package-one-1-r0 GENERATED_FROM ${a}`, `SPDXRef-Package-two-1-r0 GENERATED_FROM ${b}`]),
    );
  });

  it('never lets an imported package take the id of one of our own elements', () => {
    const impostor = { SPDXID: 'SPDXRef-Package-glibc-2.38-r5', name: 'glibc-source', downloadLocation: 'NOASSERTION' };
    const doc = spdxForImage(withPackages(pkg('three', '1-r0', { embeddedSbom: melangeSbom('three', '1-r0', [impostor]) })));
    expect(doc.packages.find((p) => p.SPDXID === 'SPDXRef-Package-glibc-2.38-r5')!.name).toBe('glibc');
    const moved = doc.packages.find((p) => p.name === 'glibc-source')!;
    expect(moved.SPDXID).toMatch(/^SPDXRef-Package-glibc-2.38-r5-[0-9a-f]{12}$/);
    expect(edges(doc)).toContain(`SPDXRef-Package-three-1-r0 GENERATED_FROM ${moved.SPDXID}`);
  });

  it('renames LicenseRefs that two package SBOMs define with different texts', () => {
    const sbom = (name: string, text: string) =>
      melangeSbom(name, '1-r0', [], {
        packages: [{ SPDXID: `SPDXRef-Package-${name}-1-r0`, name, downloadLocation: 'NOASSERTION' }],
        hasExtractedLicensingInfos: [{ licenseId: 'LicenseRef-notice', extractedText: text }],
      });
    const doc = spdxForImage(
      withPackages(
        pkg('four', '1-r0', { license: 'MIT AND LicenseRef-notice', embeddedSbom: sbom('four', 'notice of four') }),
        pkg('five', '1-r0', { license: 'LicenseRef-notice', embeddedSbom: sbom('five', 'notice of five') }),
      ),
    );
    const defs = new Map(doc.hasExtractedLicensingInfos!.map((e) => [e.extractedText, e.licenseId]));
    const [four, five] = [defs.get('notice of four')!, defs.get('notice of five')!];
    expect(four).toMatch(/^LicenseRef-notice-[0-9a-f]{12}$/);
    expect(five).toMatch(/^LicenseRef-notice-[0-9a-f]{12}$/);
    expect(four).not.toBe(five);
    expect(doc.packages.find((p) => p.name === 'four')!.licenseDeclared).toBe(`MIT AND ${four}`);
    expect(doc.packages.find((p) => p.name === 'five')!.licenseDeclared).toBe(five);
  });

  it('imports described packages that are not the APK itself and has the image contain them', () => {
    const other = { SPDXID: 'SPDXRef-Package-vendored-lib-2', name: 'vendored-lib', versionInfo: '2', downloadLocation: 'NOASSERTION' };
    const sbom = melangeSbom('six', '1-r0', [], { documentDescribes: ['SPDXRef-Package-six-1-r0', other.SPDXID] });
    (sbom as { packages: unknown[] }).packages.push({ ...other, licenseDeclared: 'BSD' });
    const doc = spdxForImage(withPackages(pkg('six', '1-r0', { embeddedSbom: sbom })));
    const imported = doc.packages.find((p) => p.name === 'vendored-lib')!;
    expect(imported.licenseDeclared).toBe('LicenseRef-BSD');
    expect(edges(doc)).toContain(`${doc.documentDescribes[0]} CONTAINS SPDXRef-Package-vendored-lib-2`);
  });

  it('cleans an old melange SBOM: no files, no verification code, SPDX 2.3 category spelling', () => {
    const input = withPackages(pkg('pretend-baselayout', '1.0.0-r0', { embeddedSbom: loadJson('pretend-baselayout-1.0.0-r0.spdx.json') }));
    const text = serializeSpdx(spdxForImage(input));
    expect(text).not.toMatch(/hasFiles|packageVerificationCode|SPDXRef-File|PACKAGE_MANAGER|"files"/);
    const doc = JSON.parse(text) as SpdxDocument;
    expect(doc.packages.filter((p) => p.name === 'pretend-baselayout')).toHaveLength(1);
    expect(doc.packages.every((p) => p.filesAnalyzed === false)).toBe(true);
  });

  it('reports a package SBOM that is not SPDX 2.x JSON as a FormatError naming the file', () => {
    const read = () => readEmbeddedSbom({ bomFormat: 'CycloneDX' }, { name: 'seven', version: '1-r0' });
    expect(read).toThrow(FormatError);
    expect(read).toThrow('The SBOM var/lib/db/sbom/seven-1-r0.spdx.json in package seven-1-r0 is not an SPDX 2.x JSON document.');
  });
});
