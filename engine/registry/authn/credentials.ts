/**
 * Registry credentials as a chain of sources, as apko's publish combines
 * keychains with `authn.NewMultiKeychain` (internal/cli/publish.go): each source is asked in turn
 * for a registry, and the first that has a credential wins; none means
 * anonymous. The default chain is the README's order: the
 * `APKO_NX_REGISTRY_*` variables, then `GITHUB_TOKEN` for ghcr.io, then
 * docker's config.json. A library user replaces or extends it through the
 * publish request's `credentials`.
 */
import { canonicalRegistry } from '../../reference';

/** What a user has for a registry (docker's AuthConfig). */
export interface Credential {
  readonly username?: string;
  readonly password?: string;
  /** An OAuth2 refresh token (`identitytoken`), exchanged at the token realm. */
  readonly identityToken?: string;
  /** A bearer token sent as is (`registrytoken`). */
  readonly registryToken?: string;
  /** The source it came from, for messages (never a secret). */
  readonly source?: string;
}

/** One place credentials may come from. */
export interface CredentialSource {
  /** What it is, for messages: `GITHUB_TOKEN`, `docker config /home/me/.docker/config.json`. */
  readonly name: string;
  /** The credential for `registry` (`host[:port]`), or undefined when this source has none. */
  lookup(registry: string): Promise<Credential | undefined>;
}

/** Environment variables, as a record (process.env or a test's). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Asks `sources` in order; the first credential found wins and is marked with its source's name. */
export function credentialChain(sources: readonly CredentialSource[]): CredentialSource {
  return {
    name: sources.length === 0 ? 'no credential source' : sources.map((s) => s.name).join(', then '),
    async lookup(registry) {
      for (const s of sources) {
        const found = await s.lookup(registry);
        if (found !== undefined) return found.source === undefined ? { ...found, source: s.name } : found;
      }
      return undefined;
    },
  };
}

/** A config key or server URL reduced to its host: scheme and path dropped, lowercase. */
export function hostOfKey(key: string): string {
  return key.replace(/^[a-z]+:\/\//i, '').split('/')[0]!.toLowerCase();
}

/** True when a key (`host`, `https://host/v2/`) names `registry`; Docker Hub's aliases are one registry. */
export function sameRegistry(key: string, registry: string): boolean {
  return canonicalRegistry(hostOfKey(key)) === canonicalRegistry(registry.toLowerCase());
}
