/**
 * `nx g @apko/nx:package <project>`: writes a melange.yaml that packages the
 * project's build output as an APK signed with the workspace key, and makes
 * the package target wait for the target producing that output. An existing
 * melange.yaml saying the same thing is left alone; one saying something
 * else is refused without --overwrite.
 */
import type { GeneratorCallback, Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { sameConfigData } from '../../engine/workspace';
import initGenerator from '../init/generator';
import { listOption } from '../list-option';
import { readPluginSettings } from '../plugin-settings';
import { projectRoot } from '../project-root';
import { formatChangedFiles, nxFor } from '../nx-api';
import { melangeText } from './melange-text';
import type { PackageGeneratorSchema } from './schema';

function packageJsonLicense(tree: Tree, root: string): string | undefined {
  try {
    const license: unknown = JSON.parse(tree.read(posix.join(root, 'package.json'), 'utf8') ?? '{}').license;
    return typeof license === 'string' && license !== '' ? license : undefined;
  } catch {
    return undefined;
  }
}

/** Makes `packageTarget` depend on `buildTarget` in the project's own configuration. */
function dependOnBuild(tree: Tree, project: string, packageTarget: string, buildTarget: string | undefined): void {
  const { readProjectConfiguration, updateProjectConfiguration } = nxFor(tree);
  const config = readProjectConfiguration(tree, project);
  const target = buildTarget ?? (config.targets?.build ? 'build' : undefined);
  if (target === undefined) return;
  const existing = config.targets?.[packageTarget] ?? {};
  const dependsOn = existing.dependsOn ?? [];
  if (dependsOn.includes(target)) return;
  updateProjectConfiguration(tree, project, { ...config, targets: { ...config.targets, [packageTarget]: { ...existing, dependsOn: [...dependsOn, target] } } });
}

/** Adds a melange.yaml to a project. */
export default async function packageGenerator(tree: Tree, options: PackageGeneratorSchema): Promise<GeneratorCallback> {
  let settings = readPluginSettings(tree);
  let done: GeneratorCallback = () => {};
  if (!settings.registered || !tree.exists(settings.signingKey)) {
    done = await initGenerator(tree, { skipFormat: true });
    settings = readPluginSettings(tree);
  }
  const { root, created } = projectRoot(tree, options.project, options.directory);
  const name = options.name ?? posix.basename(options.project);
  if (!/^[a-z0-9][a-z0-9._+-]*$/i.test(name)) throw new Error(`"${name}" is not a valid package name; pass --name with letters, digits, and . _ + -`);
  const buildOutput = posix.normalize(options.buildOutput ?? 'dist').replace(/^\.\/|\/+$/g, '');
  const path = posix.join(root, 'melange.yaml');
  const before = tree.read(path, 'utf8');
  tree.write(
    path,
    melangeText({
    name,
    project: options.project,
    packageTarget: settings.packageTargetName,
    version: options.version ?? '0.1.0',
    description: options.description ?? `${name}, packaged by @apko/nx`,
    license: options.license ?? packageJsonLicense(tree, root) ?? 'NOASSERTION',
    buildOutput,
    installDir: (options.installDir ?? `/usr/lib/${name}`).replace(/\/+$/, ''),
    bin: options.bin ?? '',
    runtime: listOption(options.runtime),
    signingKey: settings.signingKey,
    }),
  );
  if (before !== null && !options.overwrite) {
    const same = sameConfigData(before, tree.read(path, 'utf8') ?? '');
    tree.write(path, before);
    if (!same) throw new Error(`${path} already exists and differs from what this generator would write; pass --overwrite to replace it`);
  }
  if (!created) dependOnBuild(tree, options.project, settings.packageTargetName, options.buildTarget);
  else if (options.buildTarget) nxFor(tree).logger.warn(`${options.project} is not a project yet, so ${settings.packageTargetName} cannot depend on ${options.buildTarget}; add the dependsOn once it is`);
  if (!options.skipFormat) await formatChangedFiles(tree);
  return done;
}
