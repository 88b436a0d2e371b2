/**
 * Credentials from environment variables, for CI. `APKO_NX_REGISTRY_USERNAME`
 * and `APKO_NX_REGISTRY_PASSWORD` serve the registry named by
 * `APKO_NX_REGISTRY` (host[:port]) or, when that is unset, every registry a
 * push goes to. `GITHUB_TOKEN` (user `GITHUB_ACTOR`) serves ghcr.io, as the
 * `github.Keychain` in apko's publish keychain does (internal/cli/publish.go).
 */
import { sameRegistry, type CredentialSource, type Env } from './credentials';

/** `APKO_NX_REGISTRY_USERNAME`/`APKO_NX_REGISTRY_PASSWORD`, limited to `APKO_NX_REGISTRY` when it is set. */
export function envCredentials(env: Env): CredentialSource {
  return {
    name: 'APKO_NX_REGISTRY_USERNAME/APKO_NX_REGISTRY_PASSWORD',
    async lookup(registry) {
      const username = env.APKO_NX_REGISTRY_USERNAME;
      const password = env.APKO_NX_REGISTRY_PASSWORD;
      const only = env.APKO_NX_REGISTRY;
      if (!username || password === undefined) return undefined;
      return !only || sameRegistry(only, registry) ? { username, password } : undefined;
    },
  };
}

/** The GitHub registry's host. */
export const GHCR = 'ghcr.io';

/** `GITHUB_TOKEN` for ghcr.io, as the user `GITHUB_ACTOR` (GitHub ignores the name, so `unset` will do). */
export function githubTokenCredentials(env: Env): CredentialSource {
  return {
    name: 'GITHUB_TOKEN',
    async lookup(registry) {
      if (registry.toLowerCase() !== GHCR || !env.GITHUB_TOKEN) return undefined;
      return { username: env.GITHUB_ACTOR || 'unset', password: env.GITHUB_TOKEN };
    },
  };
}
