/** `package.target-architecture`: empty or `all` means every architecture; otherwise an apk or OCI name must match. */
import type { Arch } from '../arch';

/** Whether a package with these targets is built for `arch`. */
export function targetsArch(targets: readonly string[], arch: Arch): boolean {
  return targets.length === 0 || targets.includes('all') || targets.some((t) => t === arch.apk || t === arch.oci);
}
