/**
 * Key discovery, for a repository whose index no configured key verifies:
 * first the keys bundled with the package (engine/trusted-keys/, no network),
 * then, for a repository whose URL names an Alpine release, the release's
 * keys from Alpine's releases.json, and for any other http(s) repository its
 * `apk-configuration` key set (apko `InitDB`: `fetchAlpineKeys`,
 * `fetchChainguardKeys`). Every document goes through the store, so
 * `--offline` finds what an earlier run discovered. Discovered keys are only
 * ever used as configured keys are: to verify signatures.
 */
import { KEY_DISCOVERY_DEFAULTS } from '../defaults';
import { discoveryKey } from '../store/keys';
import type { Store } from '../store/store';
import { alpineReleaseOf, parseAlpineReleases, releaseKeys } from './alpine-releases';
import type { DiscoveredKey } from './discovered-key';
import type { HttpClient } from './http';
import { apkConfigurationUrl, isNotOffered, jwksUrlOf, keysOfJwks } from './jwks-keys';
import { checkedPublicKey } from './keyring';
import { revalidate } from './revalidate';
import { bundledKeys } from './trusted-keys';
import { withoutCredentials } from '../redact';

/** How to discover. */
export interface KeyDiscoveryOptions {
  readonly http: HttpClient;
  readonly store?: Store;
  readonly offline?: boolean;
  /** Alpine's releases.json (default: $APKO_NX_ALPINE_RELEASES_URL, else KEY_DISCOVERY_DEFAULTS). */
  readonly alpineReleasesUrl?: string;
  /** Keys deprecated before this instant are not taken (ms; default: now, as apko decides it). */
  readonly now?: number;
  /** Where the environment is read (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

/** The Alpine releases URL a run uses. */
export function alpineReleasesUrl(opts: Pick<KeyDiscoveryOptions, 'alpineReleasesUrl' | 'env'>): string {
  return opts.alpineReleasesUrl ?? (opts.env ?? process.env)[KEY_DISCOVERY_DEFAULTS.alpineReleasesEnv] ?? KEY_DISCOVERY_DEFAULTS.alpineReleasesUrl;
}

function fetchDocument<T>(url: string, what: string, accept: (b: Buffer) => T, opts: KeyDiscoveryOptions): Promise<T> {
  return revalidate(
    { url, key: discoveryKey(url), http: opts.http, accept, maxBytes: MAX_DOCUMENT_BYTES, ...(opts.store ? { store: opts.store } : {}), ...(opts.offline ? { offline: true } : {}) },
    what,
  ).then((r) => r.value);
}

/** The bundled keys among the names an index's signatures carry (with or without `.rsa.pub`). */
export function bundledFor(signedWith: readonly string[]): DiscoveredKey[] {
  const bundled = bundledKeys();
  const out = new Map<string, DiscoveredKey>();
  for (const name of signedWith) {
    const key = bundled.get(name) ?? bundled.get(`${name}.rsa.pub`);
    if (key) out.set(key.name, key);
  }
  return [...out.values()];
}

/** The release keys of an Alpine repository for one arch. */
async function alpineKeys(release: string, arch: string, opts: KeyDiscoveryOptions): Promise<DiscoveredKey[]> {
  const releasesUrl = alpineReleasesUrl(opts);
  const releases = await fetchDocument(releasesUrl, 'Alpine\'s releases.json', (b) => parseAlpineReleases(b, releasesUrl), opts);
  const keys = releaseKeys(releases, release, arch, opts.now ?? Date.now(), releasesUrl);
  return Promise.all(
    keys.map(async (k) => ({ name: k.name, url: k.url, pem: await fetchDocument(k.url, 'the release key', (b) => checkedPublicKey(b, k.url), opts), source: 'alpine-releases' as const })),
  );
}

/** The repository's apk-configuration key set; none when it offers no discovery (404). */
async function jwksKeys(repository: string, opts: KeyDiscoveryOptions): Promise<DiscoveredKey[]> {
  const documentUrl = apkConfigurationUrl(repository);
  let jwksUrl: string;
  try {
    jwksUrl = await fetchDocument(documentUrl, 'the key discovery document', (b) => jwksUrlOf(b, documentUrl), opts);
  } catch (err) {
    if (isNotOffered(err)) return [];
    throw err;
  }
  const keys = await fetchDocument(jwksUrl, 'the key set', (b) => keysOfJwks(b, jwksUrl, repository), opts);
  return keys.map((k) => ({ name: k.name, url: k.url, pem: checkedPublicKey(k.pem, `${k.name} (from ${withoutCredentials(jwksUrl)})`), source: 'apk-configuration' as const }));
}

/**
 * The keys discovered for one repository (as configured, without its tag)
 * and arch, given the key names its index's signatures carry: the bundled
 * ones that match, else the network's.
 */
export async function discoverKeys(repository: string, arch: string, signedWith: readonly string[], opts: KeyDiscoveryOptions): Promise<DiscoveredKey[]> {
  const bundled = bundledFor(signedWith);
  if (bundled.length > 0) return bundled;
  return networkKeys(repository, arch, opts);
}

/** The keys a remote repository publishes: Alpine release keys, else its apk-configuration key set; none for a local one. */
export async function networkKeys(repository: string, arch: string, opts: KeyDiscoveryOptions): Promise<DiscoveredKey[]> {
  if (!/^https?:\/\//i.test(repository)) return [];
  const release = alpineReleaseOf(repository);
  return release !== undefined ? alpineKeys(release, arch, opts) : jwksKeys(repository, opts);
}
