/**
 * What the image generator needs to know about a Node.js application: where
 * its build writes the output (relative to the project, since the package
 * step sees only the project directory), which file `node` runs, which
 * targets produce that output (Nx's own `prune` targets of `@nx/node` apps,
 * which write the pruned package.json, lockfile and workspace modules beside
 * the build), the package name and version, and the production install that
 * matches the workspace's package manager.
 */
import type { Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { nxFor } from '../nx-api';

/** A Node.js app as the written melange.yaml and apko.yaml describe it. */
export interface NodeApp {
  /** The APK name: the project name without its npm scope. */
  readonly name: string;
  /** From the project's package.json, else 0.1.0. */
  readonly version: string;
  readonly license: string;
  /** Project-relative directory of the build output, e.g. `dist`. */
  readonly buildOutput: string;
  /** The entry file inside the build output, e.g. `main.js`. */
  readonly main: string;
  /** Targets the package target waits for, e.g. `build`, `prune`. */
  readonly dependsOn: readonly string[];
  /** The shell lines installing production dependencies inside the build output. */
  readonly install: readonly string[];
  /** The package manager whose lockfile chose `install`. */
  readonly packageManager: 'npm' | 'pnpm' | 'yarn';
  /** Why the build output is outside the project directory, when it is (the package step cannot read it). */
  readonly outsideProject?: string;
}

/** Build executors whose output is a Node.js program; any build with options.main and platform node also counts. */
const NODE_BUILDERS = ['@nx/esbuild:esbuild', '@nx/webpack:webpack', '@nx/js:tsc', '@nx/js:swc', '@nx/rollup:rollup', '@nx/node:build'];

function readJson(tree: Tree, path: string): Record<string, unknown> {
  try {
    return JSON.parse(tree.read(path, 'utf8') ?? '{}') as Record<string, unknown>;
  } catch {
    return {};
  }
}

/**
 * The production install for the workspace's lockfile, run where the pruned
 * package.json and lockfile are, as shell lines. Install scripts are not run:
 * they would run arbitrary code at package time and native addons need the
 * image's libc. Each manager's own bookkeeping files under node_modules are
 * removed after it: pnpm's carry the time of the install (the package would
 * differ on every build), and nothing reads any of them when the app runs.
 */
export function productionInstall(tree: Tree): { packageManager: NodeApp['packageManager']; install: readonly string[] } {
  if (tree.exists('pnpm-lock.yaml')) {
    return {
      packageManager: 'pnpm',
      install: ['pnpm install --prod --frozen-lockfile --ignore-scripts --config.update-notifier=false', 'rm -f node_modules/.modules.yaml node_modules/.pnpm-workspace-state*.json'],
    };
  }
  if (tree.exists('yarn.lock')) {
    return tree.exists('.yarnrc.yml')
      ? {
          // Yarn 2+ defaults to Plug'n'Play, which plain `node main.js` cannot load: a node_modules tree instead.
          packageManager: 'yarn',
          install: ['YARN_NODE_LINKER=node-modules YARN_ENABLE_TELEMETRY=0 yarn workspaces focus --all --production', 'rm -rf .yarn node_modules/.yarn-state.yml'],
        }
      : { packageManager: 'yarn', install: ['yarn install --production --frozen-lockfile --ignore-scripts --non-interactive --no-progress', 'rm -f node_modules/.yarn-integrity'] };
  }
  return { packageManager: 'npm', install: ['npm ci --omit=dev --ignore-scripts --no-audit --no-fund --no-update-notifier'] };
}

/** The Node.js app in project `project` at `root`, or undefined when its build is not a Node.js program (and `runtime` is not `node`). */
export function detectNodeApp(tree: Tree, project: string, root: string, runtime: string | undefined): NodeApp | undefined {
  const config = nxFor(tree).getProjects(tree).get(project);
  const targets = config?.targets ?? {};
  const build = targets.build;
  const options = (build?.options ?? {}) as Record<string, unknown>;
  const isNodeBuild = build !== undefined && (NODE_BUILDERS.includes(build.executor ?? '') || options.platform === 'node') && typeof options.main === 'string';
  if (!isNodeBuild && runtime !== 'node' && targets.prune === undefined) return undefined;
  const pkg = readJson(tree, posix.join(root, 'package.json'));
  const outputPath = typeof options.outputPath === 'string' ? options.outputPath : posix.join(root, 'dist');
  const buildOutput = posix.relative(root, outputPath) || '.';
  const main = typeof options.main === 'string' ? posix.basename(options.main).replace(/\.(m|c)?tsx?$/, '.$1js') : typeof pkg.main === 'string' ? pkg.main : 'main.js';
  const dependsOn = [...(build ? ['build'] : []), ...(targets.prune ? ['prune'] : targets['prune-lockfile'] ? ['prune-lockfile'] : [])];
  const name = (typeof pkg.name === 'string' ? pkg.name : project).replace(/^@[^/]+\//, '').replace(/[^a-z0-9._+-]/gi, '-');
  return {
    name,
    version: typeof pkg.version === 'string' && /^\d+(\.\d+)*$/.test(pkg.version) ? pkg.version : '0.1.0',
    license: typeof pkg.license === 'string' && pkg.license !== '' ? pkg.license : 'NOASSERTION',
    buildOutput,
    main,
    dependsOn,
    ...productionInstall(tree),
    ...(buildOutput.startsWith('..') ? { outsideProject: outputPath } : {}),
  };
}
