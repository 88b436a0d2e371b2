/**
 * The targets a project has, as Nx resolves them: those written in
 * project.json or package.json (in the Tree) and those other plugins infer
 * (@nx/js/typescript infers `build` from a tsconfig.lib.json, @nx/vite from a
 * vite.config.ts, package.json scripts become targets), which only the
 * project graph shows. The graph is read from disk, so it is asked for only
 * when the Tree edits the workspace `nx` itself runs in; a virtual Tree (unit
 * tests) or a graph that fails to compute leaves the Tree's own targets.
 */
import type { Tree } from '@nx/devkit';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compareBytes } from '../engine/workspace';
import { nxFor } from './nx-api';

/** Target names of `project`, sorted; empty when no such project exists. */
export async function projectTargets(tree: Tree, project: string): Promise<string[]> {
  const api = nxFor(tree);
  const names = new Set(Object.keys(api.getProjects(tree).get(project)?.targets ?? {}));
  if (existsSync(join(tree.root, 'nx.json')) && resolve(tree.root) === resolve(api.workspaceRoot)) {
    try {
      const graph = await api.createProjectGraphAsync({ exitOnError: false });
      for (const name of Object.keys(graph.nodes[project]?.data.targets ?? {})) names.add(name);
    } catch {
      // The graph is a better answer, not the only one: the Tree's targets stand.
    }
  }
  return [...names].sort(compareBytes);
}
