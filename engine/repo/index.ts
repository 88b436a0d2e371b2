/**
 * Repositories: in, repository strings and key locations as configured; out,
 * verified parsed indexes and verified package bytes. The network lives here
 * and only here; every URL shown to a user is redacted.
 */
export { parseHttpAuth, httpAuthAuthorization, type HttpAuth } from './repository-auth';
export { createHttpClient, DEFAULT_RETRY, type HttpClient, type HttpOptions, type HttpResult, type RetryPolicy } from './http';
export { checkedPublicKey, loadKeyring, type LoadKeyringOptions } from './keyring';
export { loadRepository, type LoadedRepository, type LoadRepositoryOptions, type PackageSource } from './load';
export { offlineMiss } from './revalidate';
/** The one redaction rule lives in engine/redact.ts; re-exported here until engine/index.ts imports it from there. */
export { locateRepository, packageFileName, parseRepository, type RepositoryLocation, type RepositoryRef } from './repository';
export { createKeyDiscoverer, type KeyDiscoverer } from './key-discoverer';
export { discoverKeys, networkKeys, alpineReleasesUrl, type KeyDiscoveryOptions } from './discover-keys';
export { bundledKeys } from './trusted-keys';
export type { DiscoveredKey, KeySource } from './discovered-key';
