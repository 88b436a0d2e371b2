/**
 * The image manifest blob (go-containerregistry `v1.Manifest` field order):
 * OCI media types, the config descriptor, one descriptor per layer, and the
 * image annotations (the same map apko puts in the config's Labels).
 */
import type { Layer } from '../layer';
import { MediaTypes, descriptorJson, jsonBlob, type JsonBlob } from './media';

/** The manifest blob naming `config` and `layers`, in order. */
export function imageManifest(config: JsonBlob, layers: readonly Layer[], annotations: ReadonlyMap<string, string>): JsonBlob {
  return jsonBlob(MediaTypes.manifest, {
    schemaVersion: 2,
    mediaType: MediaTypes.manifest,
    config: descriptorJson(config),
    layers: layers.map((l) => descriptorJson(l)),
    annotations: annotations.size > 0 ? annotations : undefined,
  });
}
