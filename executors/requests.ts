/**
 * Executor options → the engine's per-verb requests, in one place, so the
 * image, publish and lock executors are adapters and mean what the CLI's
 * flags mean (cli/build-flags.ts). Workspace-relative options resolve against
 * the workspace root; the apko.yaml's directory is the working directory
 * (apko's -C), so the relative repository and key paths the generators write
 * resolve the same here, in the CLI and in a Turborepo script. Defaults are
 * left to the engine's normalizers (engine/defaults.ts), except the tag,
 * which names the Nx project.
 */
import type { ExecutorContext } from '@nx/devkit';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, normalizeBuildRequest, normalizeLockRequest, normalizePublishRequest } from '../engine';
import { defaultImageTag, WORKSPACE_DEFAULTS } from '../engine/workspace';
import type { ImageExecutorSchema } from './image/schema';
import type { LockExecutorSchema } from './lock/schema';
import type { PublishExecutorSchema } from './publish/schema';

/** Where progress lines go. */
export type Log = (line: string) => void;

/** The options every image verb's schema shares (the CLI's resolve flags, cli/build-flags.ts). */
type ResolveOptions = Pick<ImageExecutorSchema, 'config' | 'archs' | 'cacheDir' | 'offline' | 'strictProviders' | 'allowUnverifiedData' | 'fetchTimeout' | 'stallTimeout' | LimitName>;

/** The size limits, named as the engine's request names them. */
const LIMITS = ['maxApkIndexDecompressedSize', 'maxApkControlSize', 'maxApkDataSize', 'maxHttpResponseSize'] as const;
type LimitName = (typeof LIMITS)[number];

/** The options that change the image (image and publish). */
type ImageOptions = ResolveOptions & Pick<ImageExecutorSchema, 'lockfile' | 'sbom' | 'sbomFormats' | 'vcs' | 'annotations' | 'buildDate'>;

/** The tag an image target records: the option, else the project's (engine `defaultImageTag`: `@ws/api` → `ws/api:latest`, `-<stem>` for `<stem>.apko.yaml`). */
export function imageTag(o: Pick<ImageExecutorSchema, 'tag' | 'config'>, context: ExecutorContext): string {
  return o.tag ?? defaultImageTag(context.projectName ?? 'image', o.config);
}

function configPath(o: ResolveOptions, context: ExecutorContext): string {
  const config = resolve(context.root, o.config);
  if (!existsSync(config)) throw new ConfigError(`${o.config} does not exist`, { file: o.config, hint: 'the config option is relative to the workspace root' });
  return config;
}

function limitsOf(o: ResolveOptions): { limits?: Partial<Record<LimitName, string>> } {
  const limits = Object.fromEntries(LIMITS.filter((k) => o[k] !== undefined).map((k) => [k, o[k]!]));
  return Object.keys(limits).length > 0 ? { limits } : {};
}

function resolveFields(o: ResolveOptions, context: ExecutorContext, log: Log) {
  return {
    config: configPath(o, context),
    ...(o.archs?.length ? { arch: o.archs } : {}),
    ...(o.cacheDir !== undefined ? { cacheDir: resolve(context.root, o.cacheDir) } : {}),
    ...(o.offline !== undefined ? { offline: o.offline } : {}),
    ...(o.strictProviders !== undefined ? { strictProviders: o.strictProviders } : {}),
    ...(o.allowUnverifiedData !== undefined ? { allowUnverifiedData: o.allowUnverifiedData } : {}),
    ...(o.fetchTimeout !== undefined ? { fetchTimeout: o.fetchTimeout } : {}),
    ...(o.stallTimeout !== undefined ? { stallTimeout: o.stallTimeout } : {}),
    ...limitsOf(o),
    verbose: context.isVerbose,
    env: process.env,
    log,
  };
}

function imageFields(o: ImageOptions, context: ExecutorContext, log: Log) {
  return {
    ...resolveFields(o, context, log),
    ...(o.lockfile !== undefined ? { lockfile: resolve(context.root, o.lockfile) } : {}),
    ...(o.sbom !== undefined ? { sbom: o.sbom } : {}),
    ...(o.sbomFormats !== undefined ? { sbomFormats: o.sbomFormats } : {}),
    ...(o.vcs !== undefined ? { vcs: o.vcs } : {}),
    // The CLI's --annotations key:value entries, so one parser checks both.
    ...(o.annotations !== undefined ? { annotations: Object.entries(o.annotations).map(([k, v]) => `${k}:${v}`) } : {}),
    ...(o.buildDate !== undefined ? { buildDate: o.buildDate } : {}),
  };
}

/** `@apko/nx:image`: an OCI layout in `<outputPath>/oci`, SBOMs in `<outputPath>`. */
export function imageRequest(o: ImageExecutorSchema, context: ExecutorContext, log: Log): ReturnType<typeof normalizeBuildRequest> {
  const fields = imageFields(o, context, log);
  const outDir = resolve(context.root, o.outputPath);
  // A stale lock's hint names the target that rewrites it.
  const relockCommand = `nx run ${context.projectName}:${o.lockTarget ?? WORKSPACE_DEFAULTS.lockTargetName}`;
  // A developer's own key, trusted only when present (it is git-ignored, and an input of the inferred target).
  const localKey = o.localKeyring ? resolve(context.root, o.localKeyring) : undefined;
  const keyringAppend = localKey !== undefined && existsSync(localKey) ? { keyringAppend: [localKey] } : {};
  return normalizeBuildRequest(
    { ...fields, ...keyringAppend, tag: imageTag(o, context), output: { path: join(outDir, 'oci'), kind: 'layout' }, sbomPath: outDir, relockCommand },
    dirname(fields.config),
  );
}

/** `@apko/nx:image` with dockerTarball: the docker-loadable tarball inside the output directory. */
export function dockerTarballPath(o: Pick<ImageExecutorSchema, 'outputPath'>, context: ExecutorContext): string {
  return join(resolve(context.root, o.outputPath), 'image.tar');
}

/** `@apko/nx:lock`: the lock file at `lockfile`, else beside the config. */
export function lockRequest(o: LockExecutorSchema, context: ExecutorContext, log: Log): ReturnType<typeof normalizeLockRequest> {
  const fields = resolveFields(o, context, log);
  return normalizeLockRequest({ ...fields, ...(o.lockfile !== undefined ? { output: resolve(context.root, o.lockfile) } : {}) }, dirname(fields.config));
}

/** `@apko/nx:publish`: the image pushed to every tag (no local output). */
export function publishRequest(o: PublishExecutorSchema, context: ExecutorContext, log: Log): ReturnType<typeof normalizePublishRequest> {
  const tags = o.tags ?? [];
  if (tags.length === 0) {
    throw new ConfigError(`no tags to publish ${o.config} under`, { hint: `set options.tags, or run nx run ${context.projectName}:${context.targetName} --tags=registry.example.com/name:1.0` });
  }
  const fields = imageFields(o, context, log);
  return normalizePublishRequest(
    {
      ...fields,
      tags,
      ...(o.insecure !== undefined ? { insecure: o.insecure } : {}),
      ...(o.imageRefs !== undefined ? { imageRefs: resolve(context.root, o.imageRefs) } : {}),
      ...(o.sbomPath !== undefined ? { sbomPath: resolve(context.root, o.sbomPath) } : {}),
    },
    dirname(fields.config),
  );
}
