/**
 * An image built on a base image, as apko v1.2.31's `BuildImageFromLayers`
 * makes it with a base (`pkg/build/oci/image.go`, go-containerregistry's
 * `mutate`): the base's layers first, then the new ones; the base's config
 * with its diff_ids and history extended by the new layers, apko's author,
 * platform, created and labels, and the configured entrypoint, cmd, work
 * dir, user, stop signal and volumes where set (the base's otherwise). Env is
 * always apko's: the configured environment with PATH and SSL_CERT_FILE
 * defaults, replacing the base's. The manifest is the base's with OCI media
 * types, the new config and layers, and the base's annotations under the new.
 */
import type { Layer } from '../layer';
import type { JsonValue } from '../json';
import { rfc3339, withCreated } from '../time';
import type { BaseImage } from './base-image';
import { AUTHOR, historyComment, historyEntry, renderEnv, type ImageConfigInput } from './config';
import { configFileJson, type GoStruct } from './go-structs';
import type { Image } from './image';
import { MediaTypes, descriptorJson, jsonBlob } from './media';

/** Assembles the config and manifest of `layers` (bottom first) on top of `base`. */
export function buildImageOnBase(base: BaseImage, layers: readonly Layer[], input: ImageConfigInput): Image {
  const created = rfc3339(input.created);
  const labels = withCreated(input.annotations, input.created);
  const comment = historyComment(input.annotations ?? {}, layers.length);
  const c = base.config;
  const runtime: GoStruct = { ...c.config, Labels: labels, Env: renderEnv(input.env) };
  if (input.entrypoint && input.entrypoint.length > 0) runtime.Entrypoint = [...input.entrypoint];
  if (input.cmd && input.cmd.length > 0) runtime.Cmd = [...input.cmd];
  if (input.workingDir) runtime.WorkingDir = input.workingDir;
  if (input.volumes && input.volumes.length > 0) runtime.Volumes = new Map(input.volumes.map((v) => [v, {}]));
  if (input.user) runtime.User = input.user;
  if (input.stopSignal) runtime.StopSignal = input.stopSignal;
  const configValue = configFileJson(
    {
      ...c,
      author: AUTHOR,
      architecture: input.platform.architecture,
      os: 'linux',
      created,
      history: [...c.history, ...layers.map(() => historyEntry(created, comment))],
      diffIds: [...c.diffIds, ...layers.map((l) => l.diffId)],
      config: runtime,
      ...(input.platform.variant ? { variant: input.platform.variant } : { variant: undefined }),
    },
    base.rootfsType,
  );
  const config = jsonBlob(MediaTypes.config, configValue);
  const annotations = new Map(base.manifest.annotations);
  for (const [k, v] of labels) annotations.set(k, v);
  const m = base.manifest;
  const manifestValue: { [k: string]: JsonValue | undefined } = {
    schemaVersion: m.schemaVersion,
    mediaType: MediaTypes.manifest,
    config: {
      ...m.config,
      mediaType: MediaTypes.config,
      size: config.size,
      digest: config.digest,
      // go-containerregistry refreshes inline config data when the base carried it.
      data: m.config.data !== undefined ? config.bytes.toString('base64') : undefined,
    },
    layers: [...m.layers, ...layers.map((l) => descriptorJson(l))],
    annotations,
    artifactType: m.artifactType,
  };
  const manifest = jsonBlob(MediaTypes.manifest, manifestValue);
  return { platform: input.platform, manifest, config, layers: [...base.layers, ...layers] };
}
