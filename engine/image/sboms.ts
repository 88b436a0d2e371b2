/**
 * The SBOM documents of a build: one per architecture and one for the index,
 * made from plain facts copied out of the built images.
 */
import type { LoadedConfig } from '../config';
import type { ImageIndex } from '../oci';
import { imageSbomFileName, INDEX_SBOM_FILE_NAME, parseOsRelease, serializeSpdx, spdxForImage, spdxForIndex } from '../sbom';
import type { ArchImage } from './arch-image';
import { toolVersion } from '../tool-version';

/** `[file name, JSON text]` for every SBOM of the build. */
export function sbomDocuments(b: {
  loaded: LoadedConfig;
  archImages: readonly ArchImage[];
  index: ImageIndex;
  tag: string;
  buildDate: number;
}): Array<[string, string]> {
  const version = toolVersion();
  const docs: Array<[string, string]> = [];
  for (const a of b.archImages) {
    const osText = a.rootfs.tree.readFile('etc/os-release');
    const doc = spdxForImage({
      arch: a.arch.apk,
      ociArch: a.arch.oci,
      imageDigest: a.image.manifest.digest,
      imageRef: b.tag,
      created: b.buildDate,
      os: osText === undefined ? undefined : parseOsRelease(osText.toString('utf8')),
      packages: a.sbomPackages,
      ...(b.loaded.config.vcsUrl ? { vcsUrl: b.loaded.config.vcsUrl } : {}),
      toolVersion: version,
    });
    docs.push([imageSbomFileName(a.arch.apk), serializeSpdx(doc)]);
  }
  const indexDoc = spdxForIndex({
    indexDigest: b.index.manifest.digest,
    images: b.archImages.map((a) => ({ arch: a.arch.apk, ociArch: a.arch.oci, digest: a.image.manifest.digest })),
    imageRef: b.tag,
    created: b.buildDate,
    toolVersion: version,
  });
  docs.push([INDEX_SBOM_FILE_NAME, serializeSpdx(indexDoc)]);
  return docs;
}
