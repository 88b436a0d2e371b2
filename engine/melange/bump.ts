/**
 * `melange bump <melange.yaml> <version>`: the offline part of melange's
 * bump renovator (pkg/renovate/bump): package.version becomes the new
 * version (double-quoted), package.epoch becomes 0 — or goes up by one when
 * the version does not change — and, with `expectedCommit`, the
 * `expected-commit` of the main pipeline's `git-checkout` steps is replaced
 * (with several checkouts, only those whose tag derives from
 * package.version; a templated expected-commit is left alone).
 *
 * Not done: melange also downloads each `fetch` step's new `uri` and
 * rewrites its `expected-sha256`/`expected-sha512`. That needs the network,
 * so those steps are returned (with the URI evaluated for the new version)
 * for the caller to report. The file is edited in place, every other byte as
 * written (melange re-formats the whole file), and replaced atomically.
 */
import { promises as fsp } from 'node:fs';
import { isValidVersion } from '../apk/version';
import { ConfigError } from '../errors';
import { writeFileAtomic } from '../fs/atomic';
import { replaceScalars, type ScalarEdit } from '../yaml/edit';
import { PlainScalar } from '../yaml/scalar';
import { formatPath, parseYamlTree, type PathSegment } from '../yaml/tree';
import { loadMelangeConfig } from './load';
import { configSubstitutions, resolveVars, substituteKnown } from './substitutions';

/** Options of `melangeBump`. */
export interface MelangeBumpOptions {
  readonly configPath: string;
  readonly version: string;
  /** `--expected-commit`: the commit the git-checkout steps should expect. */
  readonly expectedCommit?: string;
}

/** A fetch step whose checksums still describe the old version. */
export interface StaleFetch {
  /** YAML path of the step, e.g. `pipeline[0]`. */
  readonly path: string;
  /** Its `uri` with the new version substituted. */
  readonly uri: string;
}

/** What bump changed, and what it left for the caller to do. */
export interface MelangeBumpResult {
  readonly version: string;
  readonly epoch: number;
  /** YAML paths of the expected-commit values replaced. */
  readonly commits: readonly string[];
  readonly staleFetches: readonly StaleFetch[];
}

type Tree = Record<string, unknown>;

const isMap = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** Paths of every mapping under `node` (itself included) with a value equal to `word`, in document order (yit's RecurseNodes + WithMapValue). */
function mappingsWithValue(node: unknown, path: PathSegment[], word: string, out: PathSegment[][] = []): PathSegment[][] {
  if (isMap(node)) {
    if (Object.values(node).some((v) => v === word)) out.push(path);
    for (const [k, v] of Object.entries(node)) mappingsWithValue(v, [...path, k], word, out);
  } else if (Array.isArray(node)) node.forEach((v, i) => mappingsWithValue(v, [...path, i], word, out));
  return out;
}

function at(tree: unknown, path: readonly PathSegment[]): unknown {
  let v = tree;
  for (const seg of path) v = isMap(v) || Array.isArray(v) ? (v as Record<string | number, unknown>)[seg] : undefined;
  return v;
}

/** melange's dependsOnVersion: the tag uses package.version directly, or through a var or var-transform built from it. */
function dependsOnVersion(tag: string, vars: Readonly<Record<string, string>>, transforms: readonly { from: string; to: string }[]): boolean {
  if (tag.includes('${{package.version}}')) return true;
  for (const m of tag.matchAll(/\$\{\{vars\.([^}]+)\}\}/g)) {
    const name = m[1]!;
    if (vars[name]?.includes('${{package.version}}')) return true;
    if (transforms.some((t) => t.to === name && t.from.includes('${{package.version}}'))) return true;
  }
  return false;
}

/** Bumps the melange.yaml at `o.configPath` to `o.version`. */
export async function melangeBump(o: MelangeBumpOptions): Promise<MelangeBumpResult> {
  const file = o.configPath;
  const version = o.version.trim();
  if (!isValidVersion(version) || /-r\d+$/.test(version)) {
    throw new ConfigError(`cannot bump ${file} to "${o.version}": it is not an APK version without a release suffix`, {
      file,
      hint: 'give a version such as 1.2.4 (the epoch is set by bump: 0 for a new version)',
    });
  }
  if (o.expectedCommit !== undefined && o.expectedCommit !== '' && !/^[0-9a-fA-F]{40}$/.test(o.expectedCommit)) {
    throw new ConfigError(`--expected-commit ${o.expectedCommit} is not a full commit id (40 hex digits)`, { file, hint: 'give the full id, e.g. from git rev-parse <tag>^{commit}' });
  }
  // Loading first checks the file as a build would, so a broken file is never rewritten.
  const loaded = await loadMelangeConfig(file);
  const text = loaded.text;
  const tree = parseYamlTree(text, file).value;
  const pkg = at(tree, ['package']);
  if (!isMap(pkg) || !('epoch' in pkg)) {
    throw new ConfigError(`${file}: package.epoch is not written in the file; bump sets it`, { file, path: 'package.epoch', hint: 'add epoch: 0 under package:' });
  }
  const old = loaded.config.package;
  const epoch = old.version === version ? old.epoch + 1 : 0;
  const edits: ScalarEdit[] = [
    { path: ['package', 'version'], text: JSON.stringify(version) },
    { path: ['package', 'epoch'], text: String(epoch) },
  ];
  const cfg = loaded.config;
  const subs = resolveVars(configSubstitutions({ ...old, version, epoch }), cfg.vars, { transforms: cfg.varTransforms, file });

  const staleFetches: StaleFetch[] = [];
  for (const path of mappingsWithValue(at(tree, ['pipeline']), ['pipeline'], 'fetch')) {
    const uri = at(tree, [...path, 'with', 'uri']);
    if (typeof uri === 'string') staleFetches.push({ path: formatPath(path), uri: substituteKnown(uri, subs) });
  }

  const commits: string[] = [];
  const checkouts = mappingsWithValue(at(tree, ['pipeline']), ['pipeline'], 'git-checkout');
  for (const path of checkouts) {
    const written = at(tree, [...path, 'with', 'tag']);
    const tag = written instanceof PlainScalar ? written.source : written;
    if (checkouts.length > 1 && typeof tag === 'string' && !dependsOnVersion(tag, cfg.vars, cfg.varTransforms)) continue;
    const commitPath = [...path, 'with', 'expected-commit'];
    const value = at(tree, commitPath);
    // A commit id of digits only reads as a number; its text is what counts.
    const current = value instanceof PlainScalar ? value.source : value;
    if (o.expectedCommit === undefined || o.expectedCommit === '' || typeof current !== 'string' || current.includes('${{')) continue;
    edits.push({ path: commitPath, text: o.expectedCommit });
    commits.push(formatPath(commitPath));
  }

  const mode = (await fsp.stat(file)).mode & 0o7777;
  await writeFileAtomic(file, replaceScalars(text, file, edits), mode);
  return { version, epoch, commits, staleFetches };
}
