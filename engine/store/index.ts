/**
 * The content-addressed cache. In: keys from `keys.ts` and bytes. Out: bytes
 * that passed their integrity check, or a miss. Writes are atomic and safe for
 * several processes sharing one directory. Rules: CACHE.md.
 */
export { defaultCacheDir, type CacheDirInputs } from './dir';
export { apkKey, blobKey, blockMapKey, imageKey, indexKey, keyringKey, layerKey, parsedIndexKey, pendingKey, pushedKey, STORE_KEY_VERSION } from './keys';
export { openStore, type Store, type StoreEntry, type StoreMetadata, type StoreOptions, type StoreProblem, type StoredFile } from './store';
export { cleanCache, type CleanRequest } from './clean';
