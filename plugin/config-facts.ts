/**
 * What inference needs from apko.yaml and melange.yaml, read leniently: the
 * package names an image installs, the local keys, repositories and included
 * files it refers to, and the packages (with their provides and runtime
 * dependencies) a melange.yaml builds. Full validation is the build's job; a
 * graph that fails to load because one file has a typo would stop every task.
 */
import { parse } from 'yaml';

/** The parts of an apko.yaml inference uses, as written. */
export interface ImageFacts {
  /** Package names from `contents.packages`, version constraints stripped. */
  readonly packages: readonly string[];
  readonly keyring: readonly string[];
  readonly repositories: readonly string[];
  /** `include:` paths, as written. */
  readonly include: readonly string[];
}

/** One package (main or subpackage) a melange.yaml builds. */
export interface BuiltPackageFacts {
  readonly name: string;
  /** Names it also answers to (`dependencies.provides`). */
  readonly provides: readonly string[];
  /** Names it needs at runtime (`dependencies.runtime`). */
  readonly runtime: readonly string[];
}

/** The packages of a melange.yaml. */
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

/** `name`, `name>=1.2`, `name@tag` → `name`; conflicts (`!name`) and unsubstituted names → undefined. */
export function atomName(atom: string): string | undefined {
  const t = atom.trim();
  if (t === '' || t.startsWith('!') || t.includes('${{')) return undefined;
  return /^[^<>=~@\s]+/.exec(t)?.[0];
}

function names(atoms: readonly string[]): string[] {
  return atoms.map(atomName).filter((n): n is string => n !== undefined);
}

function parseYaml(text: string): Loose {
  try {
    return record(parse(text));
  } catch {
    return {};
  }
}

/** Reads an apko.yaml's text; malformed YAML gives empty facts. */
export function readImageFacts(text: string): ImageFacts {
  const doc = parseYaml(text);
  const contents = record(doc.contents);
  return {
    packages: names(strings(contents.packages)),
    keyring: strings(contents.keyring),
    repositories: [...strings(contents.repositories), ...strings(contents.build_repositories)],
    // apko's include is one path; a list is accepted too.
    include: typeof doc.include === 'string' ? [doc.include] : strings(doc.include),
  };
}

/** Reads a melange.yaml's text; `${{package.name}}` is substituted, other variables drop the name. */
export function readPackageFacts(text: string): PackageFacts {
  const doc = parseYaml(text);
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
