/**
 * Which target makes the output a package generator packages. The inferred
 * package target already depends on the plugin's build target name (`build`,
 * or its `buildTargetName` option), wherever that target comes from, so
 * nothing is written for it; `--buildTarget=<other>` is written into the
 * project's configuration (dependsOn, and the executor's buildTarget so it
 * checks that target's outputs). A project with neither gets a warning that
 * says what to add.
 */
import type { Tree } from '@nx/devkit';
import { nxFor } from '../nx-api';
import type { PluginSettings } from '../plugin-settings';
import { projectTargets } from '../project-targets';

/** The package target of `project` waits for `buildTarget` and checks its outputs. */
function dependOn(tree: Tree, project: string, packageTarget: string, buildTarget: string): void {
  const { readProjectConfiguration, updateProjectConfiguration } = nxFor(tree);
  const config = readProjectConfiguration(tree, project);
  const existing = config.targets?.[packageTarget] ?? {};
  const dependsOn = existing.dependsOn ?? [];
  const options = existing.options ?? {};
  if (dependsOn.includes(buildTarget) && options.buildTarget === buildTarget) return;
  const target = { ...existing, dependsOn: dependsOn.includes(buildTarget) ? dependsOn : [...dependsOn, buildTarget], options: { ...options, buildTarget } };
  updateProjectConfiguration(tree, project, { ...config, targets: { ...config.targets, [packageTarget]: target } });
}

export interface BuildTargetRequest {
  readonly project: string;
  /** The project exists (false: this generator makes its directory). */
  readonly exists: boolean;
  /** The directory packaged, workspace-relative. */
  readonly buildOutput: string;
  /** --buildTarget, when given. */
  readonly buildTarget?: string;
}

/** Ties the package target to the target producing the build output, or says why it cannot. */
export async function connectBuildTarget(tree: Tree, settings: PluginSettings, r: BuildTargetRequest): Promise<void> {
  const { logger } = nxFor(tree);
  const pkg = `nx run ${r.project}:${settings.packageTargetName}`;
  if (!r.exists) {
    if (r.buildTarget) logger.warn(`${r.project} is not a project yet, so ${settings.packageTargetName} cannot depend on ${r.buildTarget}; once it is, run this generator again with --buildTarget=${r.buildTarget}`);
    return;
  }
  const targets = await projectTargets(tree, r.project);
  const wanted = r.buildTarget ?? settings.buildTargetName;
  if (targets.includes(wanted)) {
    if (wanted !== settings.buildTargetName) dependOn(tree, r.project, settings.packageTargetName, wanted);
    return;
  }
  const have = targets.length > 0 ? `its targets: ${targets.join(', ')}` : 'it has no targets';
  if (r.buildTarget) {
    throw new Error(`${r.project} has no target "${r.buildTarget}" (${have})\nhint: pass --buildTarget with the target that writes ${r.buildOutput}/, or add that target to ${r.project} first`);
  }
  logger.warn(
    `${r.project} has no ${settings.buildTargetName} target (${have}), so ${pkg} packages ${r.buildOutput}/ as it is on disk.\n` +
      `hint: add a ${settings.buildTargetName} target that writes ${r.buildOutput}/ (project.json, a package.json "build" script, or a plugin such as @nx/js), or name the target that does with --buildTarget=<name>`,
  );
}
