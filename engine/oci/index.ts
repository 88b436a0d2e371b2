/**
 * The oci stage. Input: layers (from `layer`) and per-platform config facts.
 * Output: config, manifest and index blobs with their digests, and writers
 * for an OCI layout directory and a docker-loadable archive.
 * Invariants: one JSON serializer with ggcr's key order, no host facts, atomic writes.
 */
export { buildImage, type Image } from './image';
export { buildImageOnBase } from './image-on-base';
export { readBaseImage, BaseLayer, type BaseImage } from './base-image';
export { buildIndex, type ImageIndex, type IndexInput } from './image-index';
export { imageConfig, renderEnv, DEFAULT_ENV, type ImageConfigInput } from './config';
export { imageManifest } from './manifest';
export { MediaTypes, descriptorJson, jsonBlob, type Descriptor, type JsonBlob } from './media';
export { platformForArch, archString, type Platform } from '../arch';
export { encodeJson, jsonBytes, quote, type JsonValue } from '../json';
export { rfc3339, withCreated, CREATED_ANNOTATION } from '../time';
export { writeLayout, layoutIndex, OCI_LAYOUT_BYTES, REF_NAME_ANNOTATION, type LayoutOptions } from './layout';
export { writeDockerArchive, dockerManifest, repoTags, splitTag, type DockerArchiveOptions } from './docker-archive';
export { validateLayout, type LayoutSummary } from './validate';
export { blobPath, indexBlobs, type BlobSource } from './blobs';
export { verifyChunks, type BlobFacts } from './verify';
export { checkOutputWritable, checkSbomDirWritable, writeBuildOutputs, writeImageOutput, writeSboms, type BuildOutputs, type OutputKind } from './output';
