/**
 * The workspace's own packages as the image generator needs them: which
 * project's melange.yaml builds each package name (main, subpackage or
 * provided name) and what it needs at runtime, read from the Tree. (The plugin
 * reads the same facts from disk for graph edges; generators may not import
 * the plugin, so this is the Tree-side twin.)
 */
import type { Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { parse } from 'yaml';

interface Provider {
  readonly root: string;
  readonly runtime: readonly string[];
}

type Loose = Record<string, unknown>;
const rec = (v: unknown): Loose => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : {});
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const atom = (a: string) => (a.startsWith('!') || a.includes('${{') ? undefined : /^[^<>=~@\s]+/.exec(a.trim())?.[0]);

/** The package names a melange.yaml text builds, main package first. */
export function melangePackageNames(text: string): string[] {
  return melangeProviders(text, '.').map((p) => p.name);
}

function melangeProviders(text: string, root: string): Array<Provider & { name: string; provides: string[] }> {
  let doc: Loose;
  try {
    doc = rec(parse(text));
  } catch {
    return [];
  }
  const pkg = rec(doc.package);
  if (typeof pkg.name !== 'string') return [];
  const main = pkg.name;
  const sub = (s: string) => s.split('${{package.name}}').join(main);
  const one = (name: string, deps: unknown) => {
    const d = rec(deps);
    const names = (v: unknown) => strs(v).map(sub).map(atom).filter((n): n is string => n !== undefined);
    return { name, root, runtime: names(d.runtime), provides: names(d.provides) };
  };
  const out = [one(main, pkg.dependencies)];
  for (const s of Array.isArray(doc.subpackages) ? doc.subpackages.map(rec) : []) {
    const name = typeof s.name === 'string' ? atom(sub(s.name)) : undefined;
    if (name !== undefined) out.push(one(name, s.dependencies));
  }
  return out;
}

/** Directories that never hold a project's melange.yaml. */
const SKIP = new Set(['node_modules', '.git', '.nx', 'dist', 'tmp', '.turbo']);

/** Every melange.yaml under `dir`, sorted walk (devkit's visitNotIgnoredFiles differs between Nx majors). */
function melangeFiles(tree: Tree, dir: string, out: string[] = []): string[] {
  for (const name of [...tree.children(dir)].sort()) {
    const path = dir === '' ? name : `${dir}/${name}`;
    if (tree.isFile(path)) {
      if (name === 'melange.yaml') out.push(path);
    } else if (!SKIP.has(name)) {
      melangeFiles(tree, path, out);
    }
  }
  return out;
}

/** Every melange.yaml in the tree, indexed by the names its packages answer to. */
export function workspacePackages(tree: Tree): Map<string, Provider[]> {
  const index = new Map<string, Provider[]>();
  for (const file of melangeFiles(tree, '')) {
    for (const p of melangeProviders(tree.read(file, 'utf8') ?? '', posix.dirname(file))) {
      for (const name of [p.name, ...p.provides]) index.set(name, [...(index.get(name) ?? []), p]);
    }
  }
  return index;
}

/** Roots of the projects building `packages` or their runtime dependencies, sorted. */
export function rootsProviding(packages: readonly string[], index: ReadonlyMap<string, readonly Provider[]>): string[] {
  const roots = new Set<string>();
  const seen = new Set<string>();
  const queue = [...packages];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (seen.has(name)) continue;
    seen.add(name);
    for (const p of index.get(name) ?? []) {
      roots.add(p.root);
      queue.push(...p.runtime);
    }
  }
  return [...roots].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
