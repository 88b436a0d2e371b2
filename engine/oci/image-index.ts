/**
 * The image index over every platform's image, as apko writes it even for a
 * single platform: manifests sorted by OCI arch string (bytewise), each
 * descriptor with its platform and `artifactType` (the config media type,
 * part of the digest), annotations plus `org.opencontainers.image.created`.
 */
import { ConfigError } from '../errors';
import type { Image } from './image';
import { MediaTypes, descriptorJson, jsonBlob, type JsonBlob } from './media';
import { archString } from '../arch';
import { withCreated } from '../time';
import { compareBytes } from '../order';

/** An index and the images it lists, in index order. */
export interface ImageIndex {
  readonly manifest: JsonBlob;
  readonly images: readonly Image[];
}

/** Index-level facts. */
export interface IndexInput {
  /** Build date in seconds (apko uses the latest over the platforms). */
  readonly created: number;
  /** Config, CLI and VCS annotations, merged. */
  readonly annotations?: Readonly<Record<string, string>>;
}


/** Builds the index listing `images`. */
export function buildIndex(images: readonly Image[], input: IndexInput): ImageIndex {
  const sorted = [...images].sort((a, b) => compareBytes(archString(a.platform), archString(b.platform)));
  for (let i = 1; i < sorted.length; i++) {
    if (archString(sorted[i]!.platform) === archString(sorted[i - 1]!.platform)) {
      throw new ConfigError(`two images for the platform ${archString(sorted[i]!.platform)} cannot share an index`, {
        path: 'archs',
        hint: 'list each architecture once',
      });
    }
  }
  const manifest = jsonBlob(MediaTypes.index, {
    schemaVersion: 2,
    mediaType: MediaTypes.index,
    manifests: sorted.map((img) =>
      descriptorJson({ ...img.manifest, platform: img.platform, artifactType: img.config.mediaType }),
    ),
    annotations: withCreated(input.annotations, input.created),
  });
  return { manifest, images: sorted };
}
