/**
 * Which workspace projects an image needs: the projects whose melange.yaml
 * builds a package the image installs, directly or through runtime
 * dependencies among the workspace's own packages. Names outside the
 * workspace (distro packages) end the walk.
 */
import type { PackageFacts } from './config-facts';

interface Provider {
  readonly project: string;
  readonly runtime: readonly string[];
}

/** Package names (and provided names) → the workspace packages answering to them. */
export type WorkspacePackages = ReadonlyMap<string, readonly Provider[]>;

/** Indexes the melange facts of each project. */
export function indexWorkspacePackages(entries: ReadonlyArray<{ project: string; facts: PackageFacts }>): WorkspacePackages {
  const index = new Map<string, Provider[]>();
  const add = (name: string, p: Provider) => {
    const list = index.get(name) ?? [];
    list.push(p);
    index.set(name, list);
  };
  for (const { project, facts } of entries) {
    for (const pkg of facts.packages) {
      const provider = { project, runtime: pkg.runtime };
      add(pkg.name, provider);
      for (const alias of pkg.provides) add(alias, provider);
    }
  }
  return index;
}

/** The projects building `packages` or what they need at runtime, sorted by name. */
export function projectsProviding(packages: readonly string[], index: WorkspacePackages): string[] {
  const projects = new Set<string>();
  const seen = new Set<string>();
  const queue = [...packages];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const p of index.get(name) ?? []) {
      projects.add(p.project);
      queue.push(...p.runtime);
    }
  }
  return [...projects].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
