/**
 * One platform's image: its layers, config and manifest, every digest known.
 * The value the index and the output writers take.
 */
import type { Layer } from '../layer';
import { imageConfig, type ImageConfigInput } from './config';
import { imageManifest } from './manifest';
import type { JsonBlob } from './media';
import type { Platform } from '../arch';
import { withCreated } from '../time';

/** A finished single-platform image. */
export interface Image {
  readonly platform: Platform;
  readonly manifest: JsonBlob;
  readonly config: JsonBlob;
  readonly layers: readonly Layer[];
}

/** Assembles the config and manifest of an image made of `layers` (bottom first). */
export function buildImage(layers: readonly Layer[], input: ImageConfigInput): Image {
  const config = imageConfig(input, layers.map((l) => l.diffId));
  const manifest = imageManifest(config, layers, withCreated(input.annotations, input.created));
  return { platform: input.platform, manifest, config, layers };
}
