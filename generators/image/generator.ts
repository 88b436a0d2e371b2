/**
 * `nx g @apko/nx:image <project>`: writes an apko.yaml that builds as
 * written: the local repository of every workspace package it installs
 * (and of their runtime dependencies), the workspace key, the project's own
 * package when it has a melange.yaml, a non-root account, an entrypoint and
 * archs. For a Node.js app (a build producing a JS entry point, Nx's prune
 * targets, or --runtime=node) it also writes the app's melange.yaml (build
 * output plus production dependencies), installs a Node.js runtime from the
 * distribution and runs `node <main>` with NODE_ENV=production. An existing
 * file saying the same thing is left alone; one saying something else is
 * refused without --overwrite. What cannot build as written is warned about.
 */
import type { GeneratorCallback, Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { ownersProviding } from '../../engine/workspace';
import initGenerator from '../init/generator';
import { listOption } from '../list-option';
import { packageRepository, readPluginSettings } from '../plugin-settings';
import { projectRoot } from '../project-root';
import { formatChangedFiles, nxFor } from '../nx-api';
import { buildWarnings } from './build-checks';
import { imageConfigText } from './config-text';
import { detectNodeApp, type NodeApp } from './node-app';
import { nodeAppDir, nodeMelangeText } from './node-melange-text';
import { packageDependsOn } from './node-targets';
import { writeConfig } from './written-file';
import { melangePackageNames, workspacePackages } from '../workspace-packages';
import type { ImageGeneratorSchema } from './schema';

const DISTROS = {
  none: { repositories: [], keyring: [], packages: [], nodejs: 'nodejs' },
  wolfi: { repositories: ['https://packages.wolfi.dev/os'], keyring: ['https://packages.wolfi.dev/os/wolfi-signing.rsa.pub'], packages: ['wolfi-baselayout'], nodejs: 'nodejs-22' },
  alpine: {
    repositories: ['https://dl-cdn.alpinelinux.org/alpine/v3.22/main'],
    keyring: ['4a6a0840', '5261cecb', '6165ee59', '58199dcc', '616ae350'].map((k) => `https://alpinelinux.org/keys/alpine-devel@lists.alpinelinux.org-${k}.rsa.pub`),
    packages: ['alpine-baselayout'],
    nodejs: 'nodejs',
  },
} as const;

/** The Node.js runtime package: --runtimePackage, else the distribution's current LTS name (`nodejs` from other repositories). */
const runtimePackage = (base: keyof typeof DISTROS, chosen: string | undefined) => chosen ?? DISTROS[base].nodejs;

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
  const { root, created } = projectRoot(tree, options.project, options.directory);
  const configFile = options.configName ?? 'apko.yaml';
  if (configFile !== 'apko.yaml' && !configFile.endsWith('.apko.yaml')) throw new Error(`--configName ${configFile} must be apko.yaml or end in .apko.yaml, which the plugin infers targets from`);
  const app: NodeApp | undefined = created && options.runtime !== 'node' ? undefined : detectNodeApp(tree, options.project, root, options.runtime);
  const warn = (m: string) => nxFor(tree).logger.warn(m);
  if (app) {
    if (app.outsideProject) warn(`${options.project} builds into ${app.outsideProject}, outside the project directory, which the package step cannot read; set the build's outputPath under ${root}/`);
    writeConfig(tree, posix.join(root, 'melange.yaml'), nodeMelangeText(app, options.project, settings.packageTargetName, settings.signingKey), options.overwrite);
    if (!created) packageDependsOn(tree, options.project, settings.packageTargetName, app.dependsOn);
  }
  const own = melangePackageNames(tree.read(posix.join(root, 'melange.yaml'), 'utf8') ?? '').slice(0, 1);
  const base = options.base ?? (app ? 'wolfi' : 'none');
  const distro = DISTROS[base];
  const runtime = app ? [runtimePackage(base, options.runtimePackage)] : [];
  const workspace = [...own, ...[...runtime, ...listOption(options.packages)].filter((p) => !own.includes(p))];
  const packages = [...distro.packages, ...workspace];
  if (packages.length === 0) {
    throw new Error(`the ${options.project} image would install nothing: pass --packages, --base=wolfi or --base=alpine, or add a melange.yaml first (nx g @apko/nx:package ${options.project})`);
  }
  const index = workspacePackages(tree);
  const local = ownersProviding(workspace, index).map((r) => fromRoot(root, packageRepository(settings, r)));
  const extraRepositories = listOption(options.repositories);
  const otherRepositories = [...extraRepositories, ...distro.repositories];
  const firstLocal = workspace.find((p) => index.has(p));
  const entrypoint = options.entrypoint ?? (app ? `node ${nodeAppDir(app)}/${app.main}` : firstLocal ? `/usr/bin/${firstLocal}` : '');
  const path = posix.join(root, configFile);
  writeConfig(
    tree,
    path,
    imageConfigText({
      project: options.project,
      base,
      repositories: [...local, ...otherRepositories],
      keyring: [...(local.length > 0 ? [fromRoot(root, `${settings.signingKey}.pub`)] : []), ...listOption(options.keyring), ...distro.keyring],
      packages,
      user: options.user ?? 'app',
      uid: options.uid ?? 65532,
      entrypoint,
      workDir: app ? nodeAppDir(app) : '',
      environment: app ? [['NODE_ENV', 'production']] : [],
      archs: listOption(options.archs).length > 0 ? listOption(options.archs) : settings.archs,
    }),
    options.overwrite,
  );
  const melangeOf = (owner: string) => tree.read(posix.join(owner, 'melange.yaml'), 'utf8') ?? '';
  for (const w of buildWarnings({ configPath: path, packages: packages.filter((p) => !(distro.packages as readonly string[]).includes(p)), index, melangeOf, otherRepositories, entrypoint })) warn(w);
  if (!options.skipFormat) await formatChangedFiles(tree);
  return done;
}
