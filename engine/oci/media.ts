/**
 * OCI media types and the descriptor and blob values the image, index and
 * writers pass around. apko writes OCI media types only (no Docker v2).
 */
import { sha256Digest, type Digest } from '../digest';
import { LAYER_MEDIA_TYPE } from '../layer';
import { jsonBytes, type JsonValue } from '../json';
import type { Platform } from '../arch';

/** The media types this stage writes. */
export const MediaTypes = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: LAYER_MEDIA_TYPE,
} as const;

/** An OCI content descriptor (go-containerregistry `v1.Descriptor` field order). */
export interface Descriptor {
  readonly mediaType: string;
  readonly size: number;
  readonly digest: Digest;
  readonly annotations?: ReadonlyMap<string, string>;
  readonly platform?: Platform;
  readonly artifactType?: string;
}

/** A small JSON blob (config, manifest or index) with the facts its descriptor needs. */
export interface JsonBlob {
  readonly mediaType: string;
  readonly digest: Digest;
  readonly size: number;
  readonly bytes: Buffer;
}

/** Serializes `value` with the engine's one JSON encoder and names it by digest. */
export function jsonBlob(mediaType: string, value: JsonValue): JsonBlob {
  const bytes = jsonBytes(value);
  return { mediaType, digest: sha256Digest(bytes), size: bytes.length, bytes };
}

/** The JSON form of a descriptor, fields in ggcr order, empty ones left out. */
export function descriptorJson(d: Descriptor): JsonValue {
  return {
    mediaType: d.mediaType,
    size: d.size,
    digest: d.digest,
    annotations: d.annotations && d.annotations.size > 0 ? d.annotations : undefined,
    platform: d.platform && {
      architecture: d.platform.architecture,
      os: d.platform.os,
      variant: d.platform.variant || undefined,
    },
    artifactType: d.artifactType || undefined,
  };
}
