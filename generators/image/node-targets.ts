/**
 * The package target of a Node.js app waits for the targets that write its
 * build output and pruned dependency manifests; their outputs (under the
 * build output directory) are then the package task's inputs.
 */
import type { Tree } from '@nx/devkit';
import { nxFor } from '../nx-api';

/** Adds `targets` to the dependsOn of `packageTarget` in the project's own configuration. */
export function packageDependsOn(tree: Tree, project: string, packageTarget: string, targets: readonly string[]): void {
  const { readProjectConfiguration, updateProjectConfiguration } = nxFor(tree);
  const config = readProjectConfiguration(tree, project);
  const existing = config.targets?.[packageTarget] ?? {};
  const dependsOn = existing.dependsOn ?? [];
  const missing = targets.filter((t) => !dependsOn.includes(t));
  if (missing.length === 0) return;
  updateProjectConfiguration(tree, project, { ...config, targets: { ...config.targets, [packageTarget]: { ...existing, dependsOn: [...dependsOn, ...missing] } } });
}
