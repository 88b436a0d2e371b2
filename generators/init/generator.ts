/**
 * `nx g @apko/nx:init` (what `nx add @apko/nx` runs): registers the plugin,
 * ignores outputs and private keys, and creates the workspace signing key
 * pair for local packages. Every step checks first, so running it again
 * changes nothing.
 */
import type { GeneratorCallback, Tree } from '@nx/devkit';
import { formatChangedFiles, nxFor } from '../nx-api';
import { generateKeyPair, publicKeyFromPrivate, WORKSPACE_DEFAULTS } from '../../engine/workspace';
import { readPluginSettings } from '../plugin-settings';
import type { InitGeneratorSchema } from './schema';

/** Adds `@apko/nx` to nx.json `plugins` (with a non-default key as its option) unless an entry for it exists. */
function registerPlugin(tree: Tree, signingKey: string): void {
  const { readNxJson, updateNxJson } = nxFor(tree);
  const nxJson = readNxJson(tree) ?? {};
  if (readPluginSettings(tree).registered) return;
  const entry = signingKey === WORKSPACE_DEFAULTS.signingKey ? '@apko/nx' : { plugin: '@apko/nx', options: { signingKey } };
  updateNxJson(tree, { ...nxJson, plugins: [...(nxJson.plugins ?? []), entry] });
}

/** Appends each missing line to .gitignore (`dist` already there covers the outputs). */
function ignore(tree: Tree, outputDir: string, signingKey: string): void {
  const text = tree.read('.gitignore', 'utf8') ?? '';
  const have = new Set(text.split(/\r?\n/).map((l) => l.trim().replace(/^\/|\/$/g, '')));
  const top = outputDir.split('/')[0]!;
  const wanted = [
    ...(have.has(top) || have.has(outputDir) ? [] : [`/${outputDir}`]),
    ...(have.has('*.rsa') || have.has(signingKey) ? [] : ['*.rsa']),
    // A developer's own key pair (docs/release-and-keys.md): both halves stay on their machine.
    ...(have.has('*.local.rsa.pub') ? [] : ['*.local.rsa.pub']),
    ...['.nx/cache', '.nx/workspace-data'].filter((l) => !have.has(l) && !have.has('.nx')),
  ];
  if (wanted.length === 0) return;
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  tree.write('.gitignore', `${text}${sep}\n# @apko/nx: built images and packages, private signing keys\n${wanted.join('\n')}\n`);
}

/**
 * Creates the key pair, or the missing public half; never replaces a key.
 * Key generation is the one engine call a generator makes: it is pure (no
 * I/O), and the keys go into the Tree like any other file.
 */
function ensureKeyPair(tree: Tree, privatePath: string, bits: number): GeneratorCallback {
  const { logger } = nxFor(tree);
  const nothing = () => {};
  const publicPath = `${privatePath}.pub`;
  const priv = tree.read(privatePath, 'utf8');
  if (priv !== null) {
    if (!tree.exists(publicPath)) tree.write(publicPath, publicKeyFromPrivate(priv));
    return nothing;
  }
  if (tree.exists(publicPath)) {
    logger.warn(`${publicPath} exists but ${privatePath} does not: package builds need the private key (in CI, write it from a secret). No new key was made, so images keep trusting ${publicPath}.`);
    return nothing;
  }
  const pair = generateKeyPair(privatePath.split('/').pop()!, bits);
  tree.write(privatePath, pair.privateKeyPem, { mode: 0o600 });
  tree.write(publicPath, pair.publicKeyPem);
  // Said once the files are written: Nx runs the callback only when the Tree is applied, never under --dry-run.
  return () => logger.info(`created the workspace signing key ${privatePath} (git-ignored) and ${publicPath} (commit it)`);
}

/** Sets up @apko/nx in the workspace. */
export default async function initGenerator(tree: Tree, options: InitGeneratorSchema = {}): Promise<GeneratorCallback> {
  const settings = readPluginSettings(tree);
  const signingKey = options.signingKey ?? settings.signingKey;
  registerPlugin(tree, signingKey);
  ignore(tree, settings.outputDir, signingKey);
  const done = ensureKeyPair(tree, signingKey, options.keySize ?? 4096);
  if (!options.skipFormat) await formatChangedFiles(tree);
  return done;
}
