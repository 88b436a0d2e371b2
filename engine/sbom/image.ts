/**
 * The SBOM of one architecture's image (`sbom-<arch>.spdx.json`): the image,
 * its operating system, its source repository, every installed APK with its
 * dependencies, and whatever the APKs' own SBOMs add.
 */
import { FormatError } from '../errors';
import { apkSpdxPackage } from './apk-package';
import { compareBytes } from '../order';
import { assembleDocument } from './document';
import { readEmbeddedSbom } from './embedded';
import { mergeImports } from './embedded-merge';
import { mergeLicenseScopes } from './license-merge';
import { digestOf, imageSpdxId, imageSpdxPackage } from './oci-package';
import { osSpdxPackage } from './os-package';
import { sourceSpdxPackage } from './source-package';
import { assignIds, spdxId } from './spdx-id';
import type { SpdxDocument, SpdxPackage, SpdxRelationship } from './spdx-model';
import type { ImageSbomInput, SbomPackageInput } from './types';

const edge = (from: string, type: string, to: string): SpdxRelationship => ({
  spdxElementId: from,
  relationshipType: type,
  relatedSpdxElement: to,
});

/** Installed packages by name, byte order; a name given twice is a FormatError. */
function sortedPackages(pkgs: readonly SbomPackageInput[]): SbomPackageInput[] {
  const sorted = [...pkgs].sort((a, b) => compareBytes(a.name, b.name));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.name === sorted[i - 1]!.name) {
      throw new FormatError(`Package ${sorted[i]!.name} is listed twice in the SBOM input.`, {
        hint: 'pass each installed package once, as the installed database lists them',
      });
    }
  }
  return sorted;
}

/** The SPDX 2.3 document for one architecture's image. */
export function spdxForImage(input: ImageSbomInput): SpdxDocument {
  const digest = digestOf(input.imageDigest, `image digest of ${input.arch}`);
  const imageId = imageSpdxId(digest);
  const context: SpdxPackage[] = [imageSpdxPackage({ digest, ociArch: input.ociArch, imageRef: input.imageRef })];
  const relationships: SpdxRelationship[] = [];
  if (input.os !== undefined) context.push(osSpdxPackage(input.os));
  if (input.vcsUrl !== undefined && input.vcsUrl.trim() !== '') context.push(sourceSpdxPackage(input.vcsUrl));
  for (const p of context.slice(1)) {
    relationships.push(edge(imageId, p.primaryPackagePurpose === 'SOURCE' ? 'GENERATED_FROM' : 'CONTAINS', p.SPDXID));
  }

  const pkgs = sortedPackages(input.packages);
  const reserved = new Set(context.map((p) => p.SPDXID));
  const ids = assignIds(
    pkgs.map((p) => ({ id: spdxId('Package', `${p.name}-${p.version}`), key: `${p.name}\0${p.version}` })),
    reserved,
  );
  const idByName = new Map(pkgs.map((p, i) => [p.name, ids[i]!]));
  const embedded = pkgs.map((p) => (p.embeddedSbom === undefined ? undefined : readEmbeddedSbom(p.embeddedSbom, p)));
  const apks = pkgs.map((p, i) => {
    const a = apkSpdxPackage(p, ids[i]!, input.os?.id);
    return { ...a, pkg: { ...embedded[i]?.fill, ...a.pkg } };
  });
  pkgs.forEach((p, i) => {
    relationships.push(edge(imageId, 'CONTAINS', ids[i]!));
    // Names that are not installed (or the package itself) have no element to point at.
    for (const dep of p.depends) {
      const to = idByName.get(dep);
      if (to !== undefined && dep !== p.name) relationships.push(edge(ids[i]!, 'DEPENDS_ON', to));
    }
  });

  // One license scope per APK: its own entry and what its SBOM imports share LicenseRef definitions.
  const licenses = mergeLicenseScopes(
    pkgs.map((_, i) => ({
      extracted: [...apks[i]!.extracted, ...(embedded[i]?.extracted ?? [])],
      packages: [apks[i]!.pkg, ...(embedded[i]?.packages ?? [])],
    })),
  );
  const imports = mergeImports(
    pkgs.flatMap((_, i) => {
      const sbom = embedded[i];
      return sbom === undefined ? [] : [{ ...sbom, owner: ids[i]!, packages: licenses.packages[i]!.slice(1) }];
    }),
    new Set([...reserved, ...ids]),
    imageId,
  );
  return assembleDocument({
    name: `sbom-${input.arch}-${digest}`,
    namespaceLabel: `image-${input.arch}`,
    describes: imageId,
    created: input.created,
    toolVersion: input.toolVersion,
    packages: [...context, ...licenses.packages.map((l) => l[0]!), ...imports.packages],
    relationships: [...relationships, ...imports.relationships],
    extracted: licenses.extracted,
  });
}
