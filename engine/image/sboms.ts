/**
 * The SBOM documents of a build, for every format asked for: per format,
 * one document per architecture (in build order) and then the index's, each
 * with the manifest it describes. The facts are copied out of the built
 * images once and are the same for every format.
 */
import { BUILD_DEFAULTS } from '../defaults';
import type { Digest } from '../digest';
import { ConfigError } from '../errors';
import type { LoadedConfig } from '../config';
import type { ImageIndex } from '../oci';
import { parseOsRelease, sbomFormatsNamed, type ImageSbomInput, type IndexSbomInput, type SbomDocument, type SbomFormat } from '../sbom';
import type { SbomDoc } from '../cache/image';
import type { ArchImage } from './arch-image';
import { toolVersion } from '../tool-version';

/** Every SBOM of the build; without `formats`, the default formats (SPDX, as apko). */
export function sbomDocuments(b: {
  loaded: LoadedConfig;
  archImages: readonly ArchImage[];
  index: ImageIndex;
  tag: string;
  buildDate: number;
  formats?: readonly SbomFormat[];
}): SbomDoc[] {
  const formats = b.formats ?? sbomFormatsNamed(BUILD_DEFAULTS.sbomFormats);
  const version = toolVersion();
  const images = b.archImages.map((a): { subject: Digest; facts: ImageSbomInput } => {
    const osText = a.rootfs.tree.readFile('etc/os-release');
    return {
      subject: a.image.manifest.digest,
      facts: {
        arch: a.arch.apk,
        ociArch: a.arch.oci,
        imageDigest: a.image.manifest.digest,
        imageRef: b.tag,
        created: b.buildDate,
        os: osText === undefined ? undefined : parseOsRelease(osText.toString('utf8')),
        packages: a.sbomPackages,
        ...(b.loaded.config.vcsUrl ? { vcsUrl: b.loaded.config.vcsUrl } : {}),
        toolVersion: version,
      },
    };
  });
  const indexFacts: IndexSbomInput = {
    indexDigest: b.index.manifest.digest,
    images: b.archImages.map((a) => ({ arch: a.arch.apk, ociArch: a.arch.oci, digest: a.image.manifest.digest })),
    imageRef: b.tag,
    created: b.buildDate,
    toolVersion: version,
  };
  const docs: SbomDoc[] = [];
  const writer = new Map<string, string>();
  const add = (format: SbomFormat, d: SbomDocument, subject: Digest): void => {
    const other = writer.get(d.name);
    if (other !== undefined) {
      throw new ConfigError(
        other === format.name
          ? `The SBOM format "${format.name}" is asked for twice (it writes ${d.name} once per build).`
          : `The SBOM formats "${other}" and "${format.name}" both write ${d.name}.`,
        { hint: 'ask for each SBOM format once, and give formats file names of their own' },
      );
    }
    writer.set(d.name, format.name);
    docs.push({ name: d.name, text: d.bytes.toString('utf8'), subject, artifactType: d.artifactType });
  };
  for (const format of formats) {
    for (const img of images) add(format, format.imageDocument(img.facts), img.subject);
    add(format, format.indexDocument(indexFacts), b.index.manifest.digest);
  }
  return docs;
}
