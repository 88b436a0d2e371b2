/**
 * `createNodes`: every apko.yaml / `<stem>.apko.yaml` gives its directory's
 * project image, publish and lock targets; every melange.yaml a package
 * target. A directory with no project.json or package.json becomes a project
 * named after it. Targets are memoised by the hash of everything they are
 * computed from, so a graph with hundreds of configs parses only what changed.
 */
import type { CreateNodesContextV2, CreateNodesResult, CreateNodesV2, ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { compareBytes } from '../engine/workspace';
import { hasFile, loadImageConfig, localPath } from './config-files';
import { hashFiles, hashParts } from './hash';
import { normalizePluginOptions, type ApkoPluginOptions, type NormalizedPluginOptions } from './options';
import { openTargetsCache, workspaceDataDir } from './targets-cache';
import { imageTargets, lockFileName, packageTargets } from './targets';
import { withReleaseTarget } from './release-target';

/** The files the plugin infers from. */
export const CONFIG_GLOB = '**/{apko.yaml,*.apko.yaml,melange.yaml}';

type InferredProject = Pick<ProjectConfiguration, 'name' | 'targets' | 'metadata'>;

/**
 * The project's name: project.json's (none when it has none: Nx decides),
 * else package.json's, else the directory's name, so an apko.yaml-only
 * directory is a project.
 */
export function projectNameFor(workspaceRoot: string, root: string): string | undefined {
  const read = (file: string): { exists: boolean; name?: string } => {
    try {
      const name: unknown = JSON.parse(readFileSync(join(workspaceRoot, root, file), 'utf8')).name;
      return typeof name === 'string' && name !== '' ? { exists: true, name } : { exists: true };
    } catch {
      return { exists: false };
    }
  };
  const project = read('project.json');
  if (project.exists) return project.name;
  return read('package.json').name ?? (root === '.' ? 'root' : posix.basename(root));
}

/**
 * What is cached per config: the inferred project and the included files it
 * was computed from, with their hash, so a hit costs reading files, not
 * parsing YAML.
 */
interface CachedProject {
  readonly includes: readonly string[];
  readonly includesHash: string;
  readonly project: InferredProject;
}

/** Parses an apko.yaml (and its includes) into its targets. */
function inferImage(workspaceRoot: string, root: string, file: string, opts: NormalizedPluginOptions, name: string | undefined): CachedProject {
  const loaded = loadImageConfig(workspaceRoot, posix.join(root, file));
  const local = (entries: readonly string[]) =>
    [...new Set(entries.map((e) => localPath(workspaceRoot, root, e)).filter((p): p is string => p !== undefined))].sort(compareBytes);
  const targets = withReleaseTarget(imageTargets(
    {
      root,
      file,
      includes: loaded.includes,
      keyring: local(loaded.facts.keyring),
      repositories: local(loaded.facts.repositories),
      baseimage: local(loaded.facts.baseimage),
      ownPackage: hasFile(workspaceRoot, root, 'melange.yaml'),
      locked: hasFile(workspaceRoot, root, lockFileName(file)),
    },
    opts,
  ), { file, hasPackageJson: hasFile(workspaceRoot, root, 'package.json') }, opts);
  return { includes: loaded.includes, includesHash: hashFiles(workspaceRoot, loaded.includes), project: project(name, targets) };
}

function project(name: string | undefined, targets: Record<string, TargetConfiguration>): InferredProject {
  return { ...(name !== undefined ? { name } : {}), targets, metadata: { targetGroups: { apko: Object.keys(targets) } } };
}

/** Infers the projects of the matched config files. */
function inferProjects(files: readonly string[], options: ApkoPluginOptions | undefined, context: CreateNodesContextV2): Array<readonly [string, CreateNodesResult]> {
  const opts = normalizePluginOptions(options);
  const ws = context.workspaceRoot;
  const cache = openTargetsCache<CachedProject>(join(workspaceDataDir(ws), `apko-nx-${hashParts([JSON.stringify(opts)]).slice(0, 16)}.json`));
  try {
    return files.map((file) => {
      const root = posix.dirname(file);
      const base = posix.basename(file);
      const name = projectNameFor(ws, root);
      const isPackage = base === 'melange.yaml';
      // Everything the targets are a function of, except included files, which `fresh` checks.
      const beside = isPackage ? '' : `${hasFile(ws, root, 'melange.yaml')}:${hasFile(ws, root, lockFileName(base))}:${hasFile(ws, root, 'package.json')}`;
      const key = hashParts([readFileSync(join(ws, file)), JSON.stringify(opts), root, name ?? '', beside]);
      const entry = cache.get(
        `${key}:${file}`,
        () => (isPackage ? { includes: [], includesHash: hashFiles(ws, []), project: project(name, packageTargets(root, opts)) } : inferImage(ws, root, base, opts, name)),
        (cached) => cached.includesHash === hashFiles(ws, cached.includes),
      );
      return [file, { projects: { [root]: { root, ...entry.project } } }] as const;
    });
  } finally {
    cache.save();
  }
}

/** The Nx 21–24 createNodes tuple (array signature). */
export const createNodes: CreateNodesV2<ApkoPluginOptions> = [CONFIG_GLOB, inferProjects];
