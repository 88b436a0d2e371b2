/**
 * `createDependencies`: an edge from each image project to every project
 * whose melange.yaml builds a package the image installs (directly or through
 * the runtime dependencies among the workspace's packages). The edges are
 * implicit, with no source file: an image installing a package is not a code
 * import, and a static edge makes builders that follow imports
 * (@nx/esbuild, @nx/js) read the other project's package.json. Edges come
 * out sorted.
 */
import type { CreateDependencies, CreateDependenciesContext, RawProjectGraphDependency } from '@nx/devkit';
import { join, posix } from 'node:path';
import { compareBytes, indexPackageOwners, ownersProviding, type PackageFacts } from '../engine/workspace';
import { loadImageConfig, loadPackageConfig } from './config-files';
import { hashFiles } from './hash';
import type { ApkoPluginOptions } from './options';
import { openTargetsCache, workspaceDataDir } from './targets-cache';

/** Facts of one config file, memoised by Nx's hash of it (and of what it includes). */
interface CachedFacts {
  readonly packages?: PackageFacts;
  readonly installs?: readonly string[];
  readonly includes: readonly string[];
  readonly includesHash: string;
}

const IMAGE_CONFIG = /(^|\.)apko\.yaml$/;

interface ConfigFile {
  readonly project: string;
  readonly file: string;
  /** Nx's hash of the file's content. */
  readonly hash: string;
}

/** Config files directly in each project's root. */
function configFiles(context: CreateDependenciesContext): { images: ConfigFile[]; packages: ConfigFile[] } {
  const images: ConfigFile[] = [];
  const packages: ConfigFile[] = [];
  for (const [project, config] of Object.entries(context.projects)) {
    const root = posix.normalize(config.root || '.');
    for (const { file, hash } of context.fileMap.projectFileMap[project] ?? []) {
      if (posix.dirname(file) !== root) continue;
      const base = posix.basename(file);
      if (base === 'melange.yaml') packages.push({ project, file, hash });
      else if (IMAGE_CONFIG.test(base)) images.push({ project, file, hash });
    }
  }
  return { images, packages };
}


/** Parses a config, or gives empty facts when it cannot be read (deleted, mid-checkout): no edges from it this time. */
function factsOf(workspaceRoot: string, c: ConfigFile, kind: 'image' | 'package'): CachedFacts {
  try {
    if (kind === 'package') return { packages: loadPackageConfig(workspaceRoot, c.file).facts, includes: [], includesHash: hashFiles(workspaceRoot, []) };
    const loaded = loadImageConfig(workspaceRoot, c.file);
    return { installs: loaded.facts.packages, includes: loaded.includes, includesHash: hashFiles(workspaceRoot, loaded.includes) };
  } catch {
    return { includes: [], includesHash: '' };
  }
}

/** The image → package project edges of the workspace. */
export const createDependencies: CreateDependencies<ApkoPluginOptions> = (_options, context) => {
  const ws = context.workspaceRoot;
  const { images, packages } = configFiles(context);
  const cache = openTargetsCache<CachedFacts>(join(workspaceDataDir(ws), 'apko-nx-dependencies.json'));
  const facts = (c: ConfigFile, kind: 'image' | 'package') =>
    cache.get(`${c.hash}:${kind}:${c.file}`, () => factsOf(ws, c, kind), (f) => f.includesHash === hashFiles(ws, f.includes));
  const edges: Array<{ source: string; target: string }> = [];
  try {
    const index = indexPackageOwners(packages.map((p) => ({ owner: p.project, facts: facts(p, 'package').packages ?? { packages: [] } })));
    for (const image of images) {
      for (const target of ownersProviding(facts(image, 'image').installs ?? [], index)) {
        if (target !== image.project && !edges.some((e) => e.source === image.project && e.target === target)) edges.push({ source: image.project, target });
      }
    }
  } finally {
    cache.save();
  }
  edges.sort((a, b) => compareBytes(a.source, b.source) || compareBytes(a.target, b.target));
  // DependencyType.implicit is a runtime enum of @nx/devkit whose value is this string; the plugin avoids runtime devkit imports.
  return edges.map((e) => ({ ...e, type: 'implicit' }) as RawProjectGraphDependency);
};
