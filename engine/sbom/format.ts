/**
 * The SBOM seam: a format turns format-neutral facts (types.ts) into
 * documents. The image pipeline asks every requested format for one
 * document per architecture and one for the index; melange asks SPDX for
 * the document a package embeds. apko has the same split in
 * `pkg/sbom/generator` (one generator per format, fed `options.Options`).
 */
import type { ImageSbomInput, IndexSbomInput, PackageSbomInput } from './types';

/** One written SBOM. */
export interface SbomDocument {
  /** File name, e.g. `sbom-x86_64.spdx.json`; unique across the formats of one build. */
  readonly name: string;
  /** The OCI artifact type publish gives the referrer, e.g. `application/spdx+json`. */
  readonly artifactType: string;
  /** UTF-8 text: the document exactly as written to disk and pushed. */
  readonly bytes: Buffer;
}

/** A way of writing SBOMs; every method is pure (same facts, same bytes). */
export interface SbomFormat {
  /** What users ask for it by, e.g. `spdx`; part of the image cache key. */
  readonly name: string;
  /** The OCI artifact type of its documents. */
  readonly artifactType: string;
  /** The document of one architecture's image. */
  imageDocument(facts: ImageSbomInput): SbomDocument;
  /** The document of a multi-architecture index. */
  indexDocument(facts: IndexSbomInput): SbomDocument;
  /** The document a package embeds, for formats apko reads from packages (only SPDX today). */
  packageDocument?(facts: PackageSbomInput): SbomDocument;
}
