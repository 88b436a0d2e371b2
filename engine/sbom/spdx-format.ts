/**
 * SPDX 2.3 JSON behind the SbomFormat seam: the image, index and package
 * documents of image.ts, image-index.ts and package-document.ts, written by
 * the one SPDX writer (serialize.ts), under the file names apko uses.
 */
import type { SbomDocument, SbomFormat } from './format';
import { spdxForImage } from './image';
import { spdxForIndex } from './image-index';
import { spdxForPackage } from './package-document';
import { serializeSpdx } from './serialize';
import type { SpdxDocument } from './spdx-model';
import type { ImageSbomInput, IndexSbomInput, PackageSbomInput } from './types';

/**
 * The media type registered for SPDX JSON, used as the referrer's
 * `artifactType` (the OCI 1.1 way). apko's cosign-style attachment
 * (`pkg/build/oci/sbom.go`) uses cosign's layer type `text/spdx+json`
 * instead; publish keeps the registered type.
 */
export const SPDX_ARTIFACT_TYPE = 'application/spdx+json';

/** File name of an architecture's SBOM, as apko names it. */
export const imageSbomFileName = (arch: string): string => `sbom-${arch}.spdx.json`;
/** File name of the index SBOM. */
export const INDEX_SBOM_FILE_NAME = 'sbom-index.spdx.json';
/** File name of a package's own SBOM: the first name apko looks for under var/lib/db/sbom/. */
export const packageSbomFileName = (name: string, fullVersion: string): string => `${name}-${fullVersion}.spdx.json`;

/** SPDX 2.3 JSON documents. */
export class SpdxFormat implements SbomFormat {
  readonly name = 'spdx';
  readonly artifactType = SPDX_ARTIFACT_TYPE;

  imageDocument(facts: ImageSbomInput): SbomDocument {
    return this.document(imageSbomFileName(facts.arch), spdxForImage(facts));
  }

  indexDocument(facts: IndexSbomInput): SbomDocument {
    return this.document(INDEX_SBOM_FILE_NAME, spdxForIndex(facts));
  }

  packageDocument(facts: PackageSbomInput): SbomDocument {
    return this.document(packageSbomFileName(facts.name, facts.fullVersion), spdxForPackage(facts));
  }

  private document(name: string, doc: SpdxDocument): SbomDocument {
    return { name, artifactType: this.artifactType, bytes: Buffer.from(serializeSpdx(doc), 'utf8') };
  }
}
