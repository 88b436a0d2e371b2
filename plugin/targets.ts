/**
 * Inferred targets as a pure function of what was hashed: a config's
 * workspace-relative location, the local files it refers to, and the plugin
 * options. No dates, SHAs, host facts or absolute paths, so two checkouts of
 * one commit infer identical targets and share cache hits.
 */
import type { TargetConfiguration } from '@nx/devkit';
import { posix } from 'node:path';
import { configStem, defaultLockPath, localSigningKeyPath } from '../engine/workspace';
import type { NormalizedPluginOptions } from './options';

/** An apko.yaml as inference sees it (all paths workspace-relative, posix). */
export interface ImageConfigInfo {
  readonly root: string;
  /** File name inside the root: `apko.yaml` or `<stem>.apko.yaml`. */
  readonly file: string;
  readonly includes: readonly string[];
  /** Local keyring files. */
  readonly keyring: readonly string[];
  /** Local repository directories. */
  readonly repositories: readonly string[];
  /** The base image's layout and APKINDEX directories (`contents.baseimage`), when local. */
  readonly baseimage?: readonly string[];
  /** The same directory has a melange.yaml, whose package the image may install. */
  readonly ownPackage: boolean;
  /** The config's lock file exists, so the image installs exactly what it pins. */
  readonly locked: boolean;
}

const ENGINE = { externalDependencies: ['@apko/nx'] };
const EPOCH = { env: 'SOURCE_DATE_EPOCH' };
/** With the plugin's `vcs` option the git facts an output carries are hashed: HEAD, and for images the origin remote too. */
const HEAD = { runtime: 'git rev-parse HEAD' };
const HEAD_AND_ORIGIN = { runtime: 'git rev-parse HEAD && (git remote get-url origin || true)' };

export { configStem };

/** The lock file `lock` writes for a config file name, as the engine names it: `apko.lock.json`, `<stem>.apko.lock.json`. */
export function lockFileName(file: string): string {
  return posix.basename(defaultLockPath(file));
}

/** Where a project's builds go: `<outputDir>/<kind>/<root>[-<stem>]` (the workspace root project is `root`). */
export function outputPathFor(opts: NormalizedPluginOptions, kind: 'images' | 'packages', root: string, stem = ''): string {
  return posix.join(opts.outputDir, kind, `${root === '.' ? 'root' : root}${stem ? `-${stem}` : ''}`);
}

/** The image, publish and lock targets of one apko config. */
export function imageTargets(c: ImageConfigInfo, opts: NormalizedPluginOptions): Record<string, TargetConfiguration> {
  const stem = configStem(c.file);
  const suffix = stem ? `-${stem}` : '';
  const config = posix.join(c.root, c.file);
  const lockfile = posix.join(c.root, lockFileName(c.file));
  const outputPath = outputPathFor(opts, 'images', c.root, stem);
  // Repositories built by package tasks arrive as those tasks' outputs; other local ones are hashed as files.
  const built = `${opts.outputDir}/packages/`;
  const localRepos = c.repositories.filter((r) => !`${r}/`.startsWith(built));
  const resolveOptions = { config, ...(opts.cacheDir !== undefined ? { cacheDir: opts.cacheDir } : {}) };
  // Whether the lock file exists is part of the inference cache key (plugin/nodes.ts), and its bytes are an input.
  // No tag: the executor names the image after the project (engine defaultImageTag), which Nx names only at run time.
  const imageOptions = {
    ...resolveOptions,
    ...(c.locked ? { lockfile } : {}),
    ...(opts.vcs ? { vcs: true } : {}),
  };
  const image = `${opts.imageTargetName}${suffix}`;
  return {
    [image]: {
      executor: '@apko/nx:image',
      cache: true,
      dependsOn: c.ownPackage ? [`^${opts.packageTargetName}`, opts.packageTargetName] : [`^${opts.packageTargetName}`],
      inputs: [
        `{workspaceRoot}/${config}`,
        `{workspaceRoot}/${lockfile}`,
        `{workspaceRoot}/${localSigningKeyPath(opts.signingKey)}.pub`,
        ...[...c.includes, ...c.keyring].map((f) => `{workspaceRoot}/${f}`),
        ...localRepos.map((r) => `{workspaceRoot}/${r}/**/*`),
        ...(c.baseimage ?? []).map((d) => `{workspaceRoot}/${d}/**/*`),
        { dependentTasksOutputFiles: '**/*.apk', transitive: true },
        ENGINE,
        EPOCH,
        ...(opts.vcs ? [HEAD_AND_ORIGIN] : []),
      ],
      outputs: [`{workspaceRoot}/${outputPath}`],
      // lockTarget: the target a stale lock's error tells the user to run.
      options: {
        ...imageOptions,
        outputPath,
        localKeyring: `${localSigningKeyPath(opts.signingKey)}.pub`,
        ...(c.locked ? { lockTarget: `${opts.lockTargetName}${suffix}` } : {}),
      },
      metadata: {
        technologies: ['apko'],
        description: `Build the OCI image described by ${c.file}`,
        help: { command: `npx apko-nx build ${c.file} <tag> <dir>`, example: { options: { archs: ['x86_64'] } } },
      },
    },
    [`${opts.publishTargetName}${suffix}`]: {
      executor: '@apko/nx:publish',
      cache: false,
      dependsOn: [image],
      options: { ...imageOptions, tags: [] },
      metadata: { technologies: ['apko'], description: `Push the image of ${c.file} to a registry (set options.tags)` },
    },
    [`${opts.lockTargetName}${suffix}`]: {
      executor: '@apko/nx:lock',
      cache: false,
      options: { ...resolveOptions, lockfile },
      metadata: { technologies: ['apko'], description: `Resolve ${c.file} and write ${posix.basename(lockfile)}` },
    },
  };
}

/**
 * The package target of a melange.yaml. It depends on the project's build
 * target by name, whether project.json, package.json or another plugin
 * (@nx/js/typescript, @nx/vite, …) defines it: Nx skips a same-project
 * dependency the project does not have, and the build's outputs are hashed
 * as dependent task outputs.
 */
export function packageTargets(root: string, opts: NormalizedPluginOptions): Record<string, TargetConfiguration> {
  const outputPath = outputPathFor(opts, 'packages', root);
  return {
    [opts.packageTargetName]: {
      executor: '@apko/nx:package',
      cache: true,
      dependsOn: [opts.buildTargetName],
      inputs: [
        '{projectRoot}/**/*',
        // An image config beside the melange.yaml changes the image, not the package.
        ...['apko.yaml', '*.apko.yaml', 'apko.lock.json', '*.apko.lock.json'].map((f) => `!{projectRoot}/${f}`),
        `{workspaceRoot}/${opts.signingKey}.pub`,
        `{workspaceRoot}/${localSigningKeyPath(opts.signingKey)}.pub`,
        { dependentTasksOutputFiles: '**/*' },
        ENGINE,
        EPOCH,
        ...(opts.vcs ? [HEAD] : []),
      ],
      outputs: [`{workspaceRoot}/${outputPath}`],
      options: {
        config: posix.join(root, 'melange.yaml'),
        outputPath,
        archs: [...opts.archs],
        signingKey: opts.signingKey,
        buildTarget: opts.buildTargetName,
        ...(opts.vcs ? { vcs: true } : {}),
      },
      metadata: {
        technologies: ['melange'],
        description: 'Build the APK packages of melange.yaml into this project\'s local repository',
        help: { command: 'npx apko-nx melange build melange.yaml --out-dir <dir> --signing-key <key>', example: { options: { archs: ['x86_64', 'aarch64'] } } },
      },
    },
  };
}
