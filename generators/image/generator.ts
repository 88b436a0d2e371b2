/**
 * `nx g @apko/nx:image <project>`: writes an apko.yaml that builds as
 * written: the local repository of every workspace package it installs
 * (and of their runtime dependencies), the workspace key, the project's own
 * package when it has a melange.yaml, a non-root account, an entrypoint and
 * archs. An existing config saying the same thing is left alone; one saying
 * something else is refused without --overwrite.
 */
import type { GeneratorCallback, Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { ownersProviding, sameConfigData } from '../../engine/workspace';
import initGenerator from '../init/generator';
import { listOption } from '../list-option';
import { packageRepository, readPluginSettings } from '../plugin-settings';
import { projectRoot } from '../project-root';
import { formatChangedFiles } from '../nx-api';
import { imageConfigText } from './config-text';
import { melangePackageNames, workspacePackages } from '../workspace-packages';
import type { ImageGeneratorSchema } from './schema';

const DISTROS = {
  none: { repositories: [], keyring: [], packages: [] },
  wolfi: { repositories: ['https://packages.wolfi.dev/os'], keyring: ['https://packages.wolfi.dev/os/wolfi-signing.rsa.pub'], packages: ['wolfi-baselayout'] },
  alpine: {
    repositories: ['https://dl-cdn.alpinelinux.org/alpine/v3.22/main'],
    keyring: ['4a6a0840', '5261cecb', '6165ee59', '58199dcc', '616ae350'].map((k) => `https://alpinelinux.org/keys/alpine-devel@lists.alpinelinux.org-${k}.rsa.pub`),
    packages: ['alpine-baselayout'],
  },
} as const;

/** A path from the project directory, spelled so apko reads it as local. */
const fromRoot = (root: string, target: string) => {
  const rel = posix.relative(root, target);
  return rel.startsWith('../') ? rel : `./${rel}`;
};

/** Adds an apko.yaml to a project. */
export default async function imageGenerator(tree: Tree, options: ImageGeneratorSchema): Promise<GeneratorCallback> {
  let settings = readPluginSettings(tree);
  let done: GeneratorCallback = () => {};
  if (!settings.registered || !tree.exists(`${settings.signingKey}.pub`)) {
    done = await initGenerator(tree, { skipFormat: true });
    settings = readPluginSettings(tree);
  }
  const { root } = projectRoot(tree, options.project, options.directory);
  const configFile = options.configName ?? 'apko.yaml';
  if (configFile !== 'apko.yaml' && !configFile.endsWith('.apko.yaml')) throw new Error(`--configName ${configFile} must be apko.yaml or end in .apko.yaml, which the plugin infers targets from`);
  const own = melangePackageNames(tree.read(posix.join(root, 'melange.yaml'), 'utf8') ?? '').slice(0, 1);
  const workspace = [...own, ...listOption(options.packages).filter((p) => !own.includes(p))];
  const base = options.base ?? 'none';
  const distro = DISTROS[base];
  const packages = [...distro.packages, ...workspace];
  if (packages.length === 0) {
    throw new Error(`the ${options.project} image would install nothing: pass --packages, --base=wolfi or --base=alpine, or add a melange.yaml first (nx g @apko/nx:package ${options.project})`);
  }
  const index = workspacePackages(tree);
  const local = ownersProviding(workspace, index).map((r) => fromRoot(root, packageRepository(settings, r)));
  const firstLocal = workspace.find((p) => index.has(p));
  const path = posix.join(root, configFile);
  const before = tree.read(path, 'utf8');
  tree.write(
    path,
    imageConfigText({
    project: options.project,
    base,
    repositories: [...local, ...distro.repositories],
    keyring: [...(local.length > 0 ? [fromRoot(root, `${settings.signingKey}.pub`)] : []), ...distro.keyring],
    packages,
    user: options.user ?? 'app',
    uid: options.uid ?? 65532,
    entrypoint: options.entrypoint ?? (firstLocal ? `/usr/bin/${firstLocal}` : ''),
    archs: listOption(options.archs).length > 0 ? listOption(options.archs) : settings.archs,
    }),
  );
  if (before !== null && !options.overwrite) {
    const same = sameConfigData(before, tree.read(path, 'utf8') ?? '');
    tree.write(path, before);
    if (!same) throw new Error(`${path} already exists and differs from what this generator would write; pass --overwrite to replace it`);
  }
  if (!options.skipFormat) await formatChangedFiles(tree);
  return done;
}
