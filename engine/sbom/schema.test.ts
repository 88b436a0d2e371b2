import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { fixturesDir } from '../../e2e/support/env';
import { sha256Hex } from '../digest';
import { spdxForImage } from './image';
import { spdxForIndex } from './image-index';
import { spdxForPackage } from './package-document';
import { serializeSpdx } from './serialize';
import { CHECKSUM_ALGORITHMS, PACKAGE_PURPOSES, RELATIONSHIP_TYPES, type SpdxDocument } from './spdx-model';
import { alpineImage, loadJson, pkg, wolfiImage } from './testdata/inputs';

const fixtures = fixturesDir();
const schemaPath = fixtures === undefined ? undefined : join(fixtures, '..', 'schemas', 'spdx-2.3-schema.json');
const schema = schemaPath !== undefined && existsSync(schemaPath) ? JSON.parse(readFileSync(schemaPath, 'utf8')) : undefined;
if (fixtures !== undefined && schema === undefined) console.warn(`[skip] ${schemaPath} is missing`);

/** Every SPDXID a document uses, wherever it appears. */
function idsUsed(doc: SpdxDocument): string[] {
  return [
    ...doc.packages.map((p) => p.SPDXID),
    ...doc.documentDescribes,
    ...doc.relationships.flatMap((r) => [r.spdxElementId, r.relatedSpdxElement]),
  ];
}

const documents: Array<[string, () => SpdxDocument]> = [
  ['a Wolfi image with merged package SBOMs', () => spdxForImage(wolfiImage())],
  ['an Alpine image with invalid licenses and a vcs-url', () => spdxForImage(alpineImage())],
  ['an image without os-release', () => spdxForImage({ ...alpineImage(), os: undefined, vcsUrl: 'git@example.com:o/r' })],
  [
    'an image with an old-style melange SBOM',
    () => spdxForImage({ ...wolfiImage(), packages: [pkg('pretend-baselayout', '1.0.0-r0', { embeddedSbom: loadJson('pretend-baselayout-1.0.0-r0.spdx.json') })] }),
  ],
  [
    'an index',
    () =>
      spdxForIndex({
        indexDigest: `sha256:${sha256Hex('i')}`,
        created: 0,
        toolVersion: '0.1.0',
        images: [{ arch: 'x86_64', ociArch: 'amd64', digest: `sha256:${sha256Hex('m')}` }],
      }),
  ],
  [
    'the SBOM a package embeds',
    () =>
      spdxForPackage({
        name: 'gtk+3',
        fullVersion: '3.24.0-r1',
        arch: 'aarch64',
        namespace: 'wolfi',
        copyright: [{ license: 'LGPL-2.1-or-later', attestation: 'Copyright The GTK Team' }],
        sourceDateEpoch: 0,
        configFile: { path: 'gtk/melange.yaml', commit: 'b'.repeat(40) },
        licenseTexts: new Map([['LicenseRef-gtk', 'text']]),
      }),
  ],
];

describe.skipIf(schema === undefined)('SPDX 2.3 JSON schema', () => {
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema ?? {});

  it.each(documents)('accepts %s', (_, make) => {
    const json = JSON.parse(serializeSpdx(make()));
    const ok = validate(json);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('rejects a document the schema forbids, so the checks above have teeth', () => {
    const json = JSON.parse(serializeSpdx(spdxForImage(alpineImage())));
    json.packages[0].primaryPackagePurpose = 'OPERATING-SYSTEM';
    json.packages[1].unknownField = true;
    expect(validate(json)).toBe(false);
    expect(validate.errors!.map((e) => e.keyword).sort()).toEqual(['additionalProperties', 'enum']);
  });

  it('lists the same relationship types, purposes and checksum algorithms as the schema', () => {
    const props = schema.properties;
    const sorted = (xs: Iterable<string>) => [...xs].sort();
    expect(sorted(RELATIONSHIP_TYPES)).toEqual(sorted(props.relationships.items.properties.relationshipType.enum));
    expect(sorted(PACKAGE_PURPOSES)).toEqual(sorted(props.packages.items.properties.primaryPackagePurpose.enum));
    expect(sorted(CHECKSUM_ALGORITHMS)).toEqual(sorted(props.packages.items.properties.checksums.items.properties.algorithm.enum));
  });
});

describe('SPDX identifiers', () => {
  it.each(documents)('are all well-formed and defined in %s', (_, make) => {
    const doc = make();
    const defined = new Set(['SPDXRef-DOCUMENT', ...doc.packages.map((p) => p.SPDXID)]);
    for (const id of idsUsed(doc)) {
      // The pattern from the SPDX 2.3 specification (3.2), not our own constant.
      expect(id).toMatch(/^SPDXRef-[a-zA-Z0-9.-]+$/);
      expect(defined.has(id)).toBe(true);
    }
  });
});
