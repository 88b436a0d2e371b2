/**
 * The SPDX document melange embeds in every package, made by the SBOM
 * stage's SPDX format (engine/sbom/package-document.ts) and written by the
 * one SPDX writer, so its purl is the one the image SBOM gives the same
 * package. It sits where melange puts it and apko looks first.
 */
import { packageSbomFileName, SpdxFormat, type PackageSbomInput } from '../sbom';

export type { PackageSbomInput } from '../sbom';

const SPDX = new SpdxFormat();

/** Where the SBOM sits in the package: `var/lib/db/sbom/<name>-<full version>.spdx.json`. */
export function sbomPath(name: string, fullVersion: string): string {
  return `var/lib/db/sbom/${packageSbomFileName(name, fullVersion)}`;
}

/** The SBOM document's bytes. */
export function packageSbom(i: PackageSbomInput): Buffer {
  return SPDX.packageDocument(i).bytes;
}
