/**
 * The plugin's options as nx.json gives them, and their normalized form. The
 * normalized options are part of every inferred target's cache key, so they
 * hold only workspace-relative values: an absolute path here would give each
 * checkout its own hashes and no cache hit would cross machines.
 */
import { posix } from 'node:path';
import { WORKSPACE_DEFAULTS as D } from '../engine/workspace';

/** `plugins: [{ plugin: '@apko/nx', options: { … } }]` in nx.json. */
export interface ApkoPluginOptions {
  /** Name of the image build target (default `image`). */
  imageTargetName?: string;
  /** Name of the uncached push target (default `publish`). */
  publishTargetName?: string;
  /** Name of the lock file target (default `lock`). */
  lockTargetName?: string;
  /** Name of the melange package target (default `package`). */
  packageTargetName?: string;
  /** The project's build target the package target depends on, whichever plugin made it (default `build`). */
  buildTargetName?: string;
  /** Workspace-relative directory for images and packages (default `dist`). */
  outputDir?: string;
  /** Workspace-relative APK/index download cache; default the engine's (`$APKO_CACHE_DIR`, else `~/.cache/apko-nx`). */
  cacheDir?: string;
  /** Architectures packages are built for (default `["x86_64"]`); images take theirs from `archs:` in apko.yaml. */
  archs?: string[];
  /** Workspace-relative private key that signs local packages (default `melange.rsa`). */
  signingKey?: string;
  /**
   * Put git facts in the outputs: `.PKGINFO commit` and the commit time as
   * the build date in packages, the vcs-url annotation in images (default
   * false). When on, HEAD (and the origin remote) become task inputs.
   */
  vcs?: boolean;
}

/** Complete options. */
export interface NormalizedPluginOptions {
  readonly imageTargetName: string;
  readonly publishTargetName: string;
  readonly lockTargetName: string;
  readonly packageTargetName: string;
  readonly buildTargetName: string;
  readonly outputDir: string;
  readonly cacheDir?: string;
  readonly archs: readonly string[];
  readonly signingKey: string;
  readonly vcs: boolean;
}

/** Workspace-relative, forward slashes, no trailing slash; refuses paths that leave the workspace. */
function workspacePath(p: string, what: string): string {
  const n = posix.normalize(p.split('\\').join('/')).replace(/\/+$/, '');
  if (n === '' || n === '.' || posix.isAbsolute(n) || n === '..' || n.startsWith('../')) {
    throw new Error(`@apko/nx plugin option ${what} must be a path inside the workspace, relative to its root (got "${p}")`);
  }
  return n;
}

/** Fills defaults (engine/defaults.ts, shared with the generators); the result is stable JSON (fixed key order) for hashing. */
export function normalizePluginOptions(o: ApkoPluginOptions | undefined): NormalizedPluginOptions {
  const opts = o ?? {};
  return {
    imageTargetName: opts.imageTargetName ?? D.imageTargetName,
    publishTargetName: opts.publishTargetName ?? D.publishTargetName,
    lockTargetName: opts.lockTargetName ?? D.lockTargetName,
    packageTargetName: opts.packageTargetName ?? D.packageTargetName,
    buildTargetName: opts.buildTargetName ?? D.buildTargetName,
    outputDir: workspacePath(opts.outputDir ?? D.outputDir, 'outputDir'),
    ...(opts.cacheDir !== undefined ? { cacheDir: workspacePath(opts.cacheDir, 'cacheDir') } : {}),
    archs: [...(opts.archs ?? D.packageArchs)],
    signingKey: workspacePath(opts.signingKey ?? D.signingKey, 'signingKey'),
    vcs: opts.vcs ?? false,
  };
}
