/**
 * `nx g @apko/nx:package <project>`: writes a melange.yaml that packages the
 * project's build output as an APK signed with the workspace key, and ties
 * the package target to the target producing that output (./build-target.ts). An existing
 * melange.yaml saying the same thing is left alone; one saying something
 * else is refused without --overwrite.
 */
import type { GeneratorCallback, Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { isValidVersion, sameConfigData } from '../../engine/workspace';
import initGenerator from '../init/generator';
import { listOption } from '../list-option';
import { readPluginSettings } from '../plugin-settings';
import { readProjectPackageJson } from '../project-package-json';
import { projectRoot } from '../project-root';
import { connectBuildTarget } from './build-target';
import { formatChangedFiles } from '../nx-api';
import { melangeText } from './melange-text';
import type { PackageGeneratorSchema } from './schema';

/** The package version: --packageVersion, else the project's package.json version, else 0.1.0; always one apk accepts. */
function packageVersion(tree: Tree, root: string, option: string | undefined): string {
  const pkg = readProjectPackageJson(tree, root);
  const version = option ?? pkg.version ?? '0.1.0';
  // melange's package.version is the apk version without its -r<epoch>.
  if (!isValidVersion(`${version}-r0`)) {
    const from = option === undefined ? `the version in ${pkg.path}` : '--packageVersion';
    throw new Error(`${from} "${version}" is not an apk package version (digits and dots, then optional letter and _alpha/_beta/_rc/_p suffixes, e.g. 1.2.0_rc1)\nhint: pass --packageVersion=<apk version>`);
  }
  return version;
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
      version: packageVersion(tree, root, options.packageVersion),
      description: options.description ?? `${name}, packaged by @apko/nx`,
      license: options.license ?? readProjectPackageJson(tree, root).license ?? 'NOASSERTION',
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
  await connectBuildTarget(tree, settings, { project: options.project, exists: !created, buildOutput: posix.join(root, buildOutput), buildTarget: options.buildTarget });
  if (!options.skipFormat) await formatChangedFiles(tree);
  return done;
}
