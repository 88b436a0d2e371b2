/**
 * Inferred targets as a pure function of what was hashed: a config's
 * workspace-relative location, the local files it refers to, and the plugin
 * options. No dates, SHAs, host facts or absolute paths, so two checkouts of
 * one commit infer identical targets and share cache hits.
 */
import type { TargetConfiguration } from '@nx/devkit';
import { posix } from 'node:path';
import { defaultImageTag, defaultLockPath, localSigningKeyPath } from '../engine/workspace';
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
  /** The same directory has a melange.yaml, whose package the image may install. */
  readonly ownPackage: boolean;
  /** The config's lock file exists, so the image installs exactly what it pins. */
  readonly locked: boolean;
}

const ENGINE = { externalDependencies: ['@apko/nx'] };
const EPOCH = { env: 'SOURCE_DATE_EPOCH' };

/** `apko.yaml` → ``, `debug.apko.yaml` → `debug`. */
export function configStem(file: string): string {
  return file === 'apko.yaml' ? '' : file.slice(0, -'.apko.yaml'.length);
}

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
  const imageOptions = { ...resolveOptions, tag: defaultImageTag(`{projectName}${suffix}`), ...(c.locked ? { lockfile } : {}) };
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
        { dependentTasksOutputFiles: '**/*.apk', transitive: true },
        ENGINE,
        EPOCH,
      ],
      outputs: [`{workspaceRoot}/${outputPath}`],
      options: { ...imageOptions, outputPath, localKeyring: `${localSigningKeyPath(opts.signingKey)}.pub` },
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

/** The package target of a melange.yaml. */
export function packageTargets(root: string, opts: NormalizedPluginOptions): Record<string, TargetConfiguration> {
  const outputPath = outputPathFor(opts, 'packages', root);
  return {
    [opts.packageTargetName]: {
      executor: '@apko/nx:package',
      cache: true,
      inputs: [
        '{projectRoot}/**/*',
        // An image config beside the melange.yaml changes the image, not the package.
        ...['apko.yaml', '*.apko.yaml', 'apko.lock.json', '*.apko.lock.json'].map((f) => `!{projectRoot}/${f}`),
        `{workspaceRoot}/${opts.signingKey}.pub`,
        `{workspaceRoot}/${localSigningKeyPath(opts.signingKey)}.pub`,
        { dependentTasksOutputFiles: '**/*' },
        ENGINE,
        EPOCH,
      ],
      outputs: [`{workspaceRoot}/${outputPath}`],
      options: { config: posix.join(root, 'melange.yaml'), outputPath, archs: [...opts.archs], signingKey: opts.signingKey },
      metadata: {
        technologies: ['melange'],
        description: 'Build the APK packages of melange.yaml into this project\'s local repository',
        help: { command: 'npx apko-nx melange build melange.yaml --out-dir <dir> --signing-key <key>', example: { options: { archs: ['x86_64', 'aarch64'] } } },
      },
    },
  };
}
