/**
 * Which scheme a registry is spoken to with. HTTPS always, except for the
 * loopback host (a registry on this machine, as in tests and local
 * development) or when the user said `--insecure`. Credentials follow the
 * same rule: they are never sent in clear text to another machine unless
 * the user asked for it.
 */

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** The host part of `host[:port]` (brackets kept for IPv6). */
export function hostOf(registry: string): string {
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(registry);
  return m ? m[1]! : registry;
}

/** True for `localhost`, `127.x.x.x` and `[::1]`, with or without a port. */
export function isLoopbackHost(registry: string): boolean {
  return LOOPBACK.test(hostOf(registry));
}

/** `http` for loopback registries or when `insecure`, otherwise `https`. */
export function registryScheme(registry: string, insecure: boolean): 'http' | 'https' {
  return insecure || isLoopbackHost(registry) ? 'http' : 'https';
}

/** True when a plain-HTTP URL may carry credentials (loopback, or `insecure`). */
export function mayCarryCredentials(url: URL, insecure: boolean): boolean {
  return url.protocol === 'https:' || insecure || isLoopbackHost(url.host);
}
