/**
 * What the Nx plugin and the generators need from apko.yaml and melange.yaml
 * text, read leniently: the package names an image installs, the keys,
 * repositories and includes it refers to, and the packages (with provides
 * and runtime dependencies) a melange.yaml builds; then which owners (projects,
 * directories) build the packages an image needs. Full validation is the
 * build's job: a project graph that fails to load because one file has a typo
 * would stop every task, so malformed text gives empty facts, never an error.
 * The YAML is read as the build reads it (yaml/tree.ts: go-yaml's scalars,
 * aliases and merge keys), and atoms with the one atom grammar (apk/dependency.ts).
 */
import { parseDependency } from '../apk/dependency';
import { compareBytes } from '../order';
import { parseYamlTree } from '../yaml/tree';

/** The parts of an apko.yaml inference uses, as written. */
export interface ImageFacts {
  /** Package names from `contents.packages`, version constraints stripped. */
  readonly packages: readonly string[];
  readonly keyring: readonly string[];
  /** `contents.repositories` then `contents.build_repositories`. */
  readonly repositories: readonly string[];
  /** `include:` paths, as written. */
  readonly include: readonly string[];
  /** `contents.baseimage`'s image and apkindex directories, as written. */
  readonly baseimage: readonly string[];
}

/** One package (main or subpackage) a melange.yaml builds. */
export interface BuiltPackageFacts {
  readonly name: string;
  /** Names it also answers to (`dependencies.provides`). */
  readonly provides: readonly string[];
  /** Names it needs at runtime (`dependencies.runtime`). */
  readonly runtime: readonly string[];
}

/** The packages of a melange.yaml, main package first. */
export interface PackageFacts {
  readonly packages: readonly BuiltPackageFacts[];
}

type Loose = Record<string, unknown>;

function record(v: unknown): Loose {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : {};
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The document as a mapping, or an empty one when the text is not YAML. */
function parseLenient(text: string): Loose {
  try {
    return record(parseYamlTree(text, 'config').value);
  } catch {
    return {};
  }
}

/** `name`, `name>=1.2`, `name@tag` → `name`; conflicts (`!name`), malformed atoms and unsubstituted names → undefined. */
export function atomName(atom: string): string | undefined {
  const t = atom.trim();
  if (t.includes('${{')) return undefined;
  try {
    const d = parseDependency(t);
    return d.conflict ? undefined : d.name;
  } catch {
    return undefined;
  }
}

function names(atoms: readonly string[]): string[] {
  return atoms.map(atomName).filter((n): n is string => n !== undefined);
}

/** Reads an apko.yaml's text; malformed YAML gives empty facts. */
export function readImageFacts(text: string): ImageFacts {
  const doc = parseLenient(text);
  const contents = record(doc.contents);
  return {
    packages: names(strings(contents.packages)),
    keyring: strings(contents.keyring),
    repositories: [...strings(contents.repositories), ...strings(contents.build_repositories)],
    // apko's include is one path; a list is accepted too.
    include: typeof doc.include === 'string' ? [doc.include] : strings(doc.include),
    baseimage: [record(contents.baseimage).image, record(contents.baseimage).apkindex].filter((p): p is string => typeof p === 'string' && p !== ''),
  };
}

/** Reads a melange.yaml's text; `${{package.name}}` is substituted, other variables drop the name. */
export function readPackageFacts(text: string): PackageFacts {
  const doc = parseLenient(text);
  const pkg = record(doc.package);
  const main = typeof pkg.name === 'string' ? pkg.name : undefined;
  if (main === undefined) return { packages: [] };
  const subst = (s: string) => s.split('${{package.name}}').join(main);
  const facts = (name: string, deps: unknown): BuiltPackageFacts => {
    const d = record(deps);
    return { name, provides: names(strings(d.provides).map(subst)), runtime: names(strings(d.runtime).map(subst)) };
  };
  const packages = [facts(main, pkg.dependencies)];
  for (const sp of Array.isArray(doc.subpackages) ? doc.subpackages : []) {
    const s = record(sp);
    const name = typeof s.name === 'string' ? atomName(subst(s.name)) : undefined;
    if (name !== undefined) packages.push(facts(name, s.dependencies));
  }
  return { packages };
}

/** Whether two YAML texts hold the same data (comments and layout aside); text that is not YAML never matches. */
export function sameConfigData(a: string, b: string): boolean {
  try {
    return JSON.stringify(parseYamlTree(a, 'a').value) === JSON.stringify(parseYamlTree(b, 'b').value);
  } catch {
    return false;
  }
}

interface Provider {
  readonly owner: string;
  readonly runtime: readonly string[];
}

/** Package names (and provided names) → the owners of the packages answering to them. */
export type PackageOwners = ReadonlyMap<string, readonly Provider[]>;

/** Indexes the melange facts of each owner (a project name, or a directory). */
export function indexPackageOwners(entries: ReadonlyArray<{ readonly owner: string; readonly facts: PackageFacts }>): PackageOwners {
  const index = new Map<string, Provider[]>();
  for (const { owner, facts } of entries) {
    for (const pkg of facts.packages) {
      const provider = { owner, runtime: pkg.runtime };
      for (const name of [pkg.name, ...pkg.provides]) {
        const list = index.get(name);
        if (list === undefined) index.set(name, [provider]);
        else list.push(provider);
      }
    }
  }
  return index;
}

/**
 * The owners building `packages` or what those need at runtime, following
 * runtime dependencies through provided names; names no owner builds
 * (distro packages) end the walk. Sorted by bytes.
 */
export function ownersProviding(packages: readonly string[], index: PackageOwners): string[] {
  const owners = new Set<string>();
  const seen = new Set<string>();
  const queue = [...packages];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (seen.has(name)) continue;
    seen.add(name);
    for (const p of index.get(name) ?? []) {
      owners.add(p.owner);
      queue.push(...p.runtime);
    }
  }
  return [...owners].sort(compareBytes);
}
