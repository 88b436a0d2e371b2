/**
 * Reading an inferred project's config files from the workspace: an
 * apko.yaml with its `include:` chain (searched as the build searches, from
 * the project directory first, then the including file's directory), and a
 * melange.yaml. Paths come back workspace-relative with forward slashes;
 * anything outside the workspace is left out, since no Nx input can name it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { readImageFacts, readPackageFacts, type ImageFacts, type PackageFacts } from '../engine/workspace';

/** An apko.yaml with its includes merged in. */
export interface LoadedImageConfig {
  /** Merged facts of the config and everything it includes. */
  readonly facts: ImageFacts;
  /** Included files inside the workspace, in the order read. */
  readonly includes: readonly string[];
  /** The config's text followed by each include's, for the cache key. */
  readonly texts: readonly string[];
}

/** Includes nest rarely; a cycle must not hang graph computation. */
const MAX_INCLUDE_DEPTH = 16;

/** `abs` relative to the workspace (posix), or undefined when it is outside. */
export function workspaceRelative(workspaceRoot: string, abs: string): string | undefined {
  const rel = relative(workspaceRoot, abs).split('\\').join('/');
  if (rel === '') return '.';
  return rel === '..' || rel.startsWith('../') || isAbsolute(rel) ? undefined : rel;
}

/** Where a local repository or key entry points, workspace-relative; URLs and outside paths give undefined. */
export function localPath(workspaceRoot: string, projectRoot: string, entry: string): string | undefined {
  const location = entry.trim().replace(/^@\S+\s+/, '');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location) && !location.startsWith('file://')) return undefined;
  const path = location.startsWith('file://') ? location.slice('file://'.length) : location;
  return workspaceRelative(workspaceRoot, resolve(workspaceRoot, projectRoot, path));
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Reads `<workspaceRoot>/<configFile>` and its includes. */
export function loadImageConfig(workspaceRoot: string, configFile: string): LoadedImageConfig {
  const projectDir = resolve(workspaceRoot, dirname(configFile));
  const top = resolve(workspaceRoot, configFile);
  const texts: string[] = [];
  const includes: string[] = [];
  const seen = new Set<string>();
  const merged = { packages: [] as string[], keyring: [] as string[], repositories: [] as string[], include: [] as string[], baseimage: [] as string[] };
  const visit = (file: string, depth: number): void => {
    if (seen.has(file) || depth > MAX_INCLUDE_DEPTH) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    texts.push(text);
    const f = readImageFacts(text);
    merged.packages.push(...f.packages);
    merged.keyring.push(...f.keyring);
    merged.repositories.push(...f.repositories);
    merged.include.push(...f.include);
    merged.baseimage.push(...f.baseimage);
    for (const inc of f.include) {
      const found = [resolve(projectDir, inc), resolve(dirname(file), inc)].find(isFile);
      if (found === undefined) continue;
      const rel = workspaceRelative(workspaceRoot, found);
      if (rel !== undefined && !includes.includes(rel)) includes.push(rel);
      visit(found, depth + 1);
    }
  };
  visit(top, 0);
  return { facts: merged, includes, texts };
}

/** Reads `<workspaceRoot>/<configFile>` as a melange.yaml. */
export function loadPackageConfig(workspaceRoot: string, configFile: string): { facts: PackageFacts; text: string } {
  const text = readFileSync(join(workspaceRoot, configFile), 'utf8');
  return { facts: readPackageFacts(text), text };
}

/** True when `<workspaceRoot>/<dir>/<name>` exists. */
export function hasFile(workspaceRoot: string, dir: string, name: string): boolean {
  return existsSync(join(workspaceRoot, dir, name));
}
