/**
 * The layer stage. Input: the rootfs tree and its package facts, split by a
 * `LayeringStrategy`. Output: `Layer` values (gzip digest, diff_id, size, a
 * fresh stream per open()).
 * Invariants: entries in raw path-byte order, no host facts in any header,
 * the same tree gives the same tar bytes and the same gzip bytes every run.
 */
export { LAYER_MEDIA_TYPE, NO_NAMES, type Layer, type LayerEntry, type LayerMediaType, type OwnerNames } from './types';
export { buildLayer, layerStream, type BuildLayerOptions, type LayerStream } from './build';
export { checkedPlan, layeringFor, SingleLayer, type LayerPlan, type LayeringStrategy, type PackageGroup } from './strategy';
export { groupPackages, splitEntries, OriginLayering, DEFAULT_LAYER_BUDGET } from './origin';
export { factsFromTree, layersFromTree, type TreeLayersOptions } from './from-tree';
export { ownerNamesFromTree } from './names';
export { tarChunks } from './tar';
export { gzip, GZIP_LEVEL } from './gzip';
export { gzipBlocks, GZIP_BLOCK_SIZE, reusedBlocks, type BlockRecord, type BlockReuse } from './gzip-blocks';
export { compressWorkersFrom, gzipLayer, PARALLEL_GZIP_MIN_BYTES } from './gzip-layer';
export { closeDeflatePools } from './deflate-pool';
export { headerOf } from './header';
export { listLayer, listTar } from './listing';
export { BufferLayer, FileLayer, type LayerDigests } from './stored';
