/**
 * The Nx generator API, taken from the `nx` that runs the generator rather
 * than from `@nx/devkit`. Installing the plugin must be enough on Nx 21–24,
 * and `@nx/devkit` cannot be a dependency: no devkit exists for some `nx`
 * releases (Nx 24.0.6 has only 24.0.0), and a devkit whose peer range misses
 * the workspace's `nx` makes npm nest a second `nx` under it. `@nx/devkit`
 * itself re-exports these functions from `nx/src/devkit-exports`, so they
 * behave exactly as devkit's in every major.
 *
 * Resolution starts at the workspace root (the Tree's root), so the
 * workspace's `nx` is used even when the plugin is linked from elsewhere.
 */
import type * as Devkit from '@nx/devkit';

/** The subset of devkit the generators call. */
export type NxApi = Pick<
  typeof Devkit,
  | 'readNxJson'
  | 'updateNxJson'
  | 'addProjectConfiguration'
  | 'readProjectConfiguration'
  | 'updateProjectConfiguration'
  | 'getProjects'
  | 'logger'
  | 'createProjectGraphAsync'
  | 'workspaceRoot'
>;

const loaded = new Map<string, NxApi>();

/** The Nx API of the workspace at `root` (falling back to the `nx` beside this package). */
export function nxApi(root: string = process.cwd()): NxApi {
  const hit = loaded.get(root);
  if (hit) return hit;
  let api: NxApi | undefined;
  const tried: string[] = [];
  for (const from of [root, __dirname]) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      api = require(require.resolve('nx/src/devkit-exports', { paths: [from] })) as NxApi;
      break;
    } catch (e) {
      tried.push(`${from}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  if (api === undefined) {
    throw new Error(`@apko/nx generators run inside an Nx workspace, and no nx package was found (${tried.join('; ')})\nhint: install nx in the workspace (npm i -D nx), then run the generator with npx nx g`);
  }
  loaded.set(root, api);
  return api;
}

/** The API for the workspace a Tree edits. */
export function nxFor(tree: Devkit.Tree): NxApi {
  return nxApi(tree.root);
}

/**
 * Formats the files a generator changed with the workspace's Prettier, as
 * devkit's `formatFiles` does, when the workspace has `@nx/devkit`; without
 * it nothing is reformatted (the generators write formatted files already).
 */
export async function formatChangedFiles(tree: Devkit.Tree): Promise<void> {
  let devkit: Pick<typeof Devkit, 'formatFiles'>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    devkit = require(require.resolve('@nx/devkit', { paths: [tree.root] }));
  } catch {
    return;
  }
  await devkit.formatFiles(tree);
}
