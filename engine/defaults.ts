/**
 * The one defaults table. The engine's normalizers, the CLI's help, the Nx
 * plugin's inferred targets and the generators all read their defaults
 * here, so a default changes in one place and every shell agrees.
 */

/** Defaults of the image verbs (build, show-packages, dot, lock, publish). */
export const BUILD_DEFAULTS = Object.freeze({
  sbom: true,
  sbomFormats: Object.freeze(['spdx']) as readonly string[],
  offline: false,
  verbose: false,
  /** Off by default: build tools do not hash the commit, so a cached image would carry a stale one. */
  vcs: false,
});

/** Defaults of the Nx plugin and the generators (workspace-relative paths). */
export const WORKSPACE_DEFAULTS = Object.freeze({
  imageTargetName: 'image',
  publishTargetName: 'publish',
  lockTargetName: 'lock',
  packageTargetName: 'package',
  outputDir: 'dist',
  signingKey: 'melange.rsa',
  /** Architectures packages are built for; images take theirs from `archs:` in apko.yaml. */
  packageArchs: Object.freeze(['x86_64']) as readonly string[],
});

/** The tag an image target records when none is given. */
export function defaultImageTag(project: string): string {
  return `${project}:latest`;
}
