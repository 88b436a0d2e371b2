/**
 * The SBOM of a multi-architecture index (`sbom-index.spdx.json`): the index
 * and its per-architecture images. Each image has the SPDXID it has in its
 * own `sbom-<arch>.spdx.json`, and is a VARIANT_OF the index.
 */
import { FormatError } from '../errors';
import { assembleDocument } from './document';
import { digestOf, imageSpdxPackage, indexSpdxId, indexSpdxPackage } from './oci-package';
import type { SpdxDocument, SpdxRelationship } from './spdx-model';
import type { IndexSbomInput } from './types';

/** The SPDX 2.3 document for an image index. */
export function spdxForIndex(input: IndexSbomInput): SpdxDocument {
  const digest = digestOf(input.indexDigest, 'index digest');
  const indexId = indexSpdxId(digest);
  const seen = new Set<string>();
  const images = input.images.map((i) => {
    if (seen.has(i.arch)) {
      throw new FormatError(`Architecture ${i.arch} appears twice in the index SBOM input.`, {
        hint: 'pass one image per architecture',
      });
    }
    seen.add(i.arch);
    return imageSpdxPackage({ digest: digestOf(i.digest, `image digest of ${i.arch}`), ociArch: i.ociArch, imageRef: input.imageRef });
  });
  const relationships: SpdxRelationship[] = images.map((p) => ({
    spdxElementId: p.SPDXID,
    relationshipType: 'VARIANT_OF',
    relatedSpdxElement: indexId,
  }));
  return assembleDocument({
    name: `sbom-index-${digest}`,
    namespaceLabel: 'index',
    describes: indexId,
    created: input.created,
    toolVersion: input.toolVersion,
    packages: [indexSpdxPackage(digest, input.imageRef), ...images],
    relationships,
    extracted: [],
  });
}
