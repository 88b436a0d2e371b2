/**
 * Warnings for an apko.yaml that would not build as written, said when the
 * generator writes it rather than at the first `nx run <project>:image`:
 * a package that no configured repository provides and an entrypoint that no
 * installed package ships. Workspace packages are known exactly from their
 * melange.yaml; remote repositories are not fetched by a generator, so what
 * they must provide is named as unchecked.
 */
import type { PackageOwners } from '../../engine/workspace';

/** What the written config installs and runs. */
export interface BuildCheckInput {
  readonly configPath: string;
  /** Packages to install, by name. */
  readonly packages: readonly string[];
  /** The workspace's packages and who provides them. */
  readonly index: PackageOwners;
  /** The melange.yaml text of a workspace package owner directory. */
  readonly melangeOf: (owner: string) => string;
  /** Repositories that are neither workspace package outputs (remote URLs and local mirrors). */
  readonly otherRepositories: readonly string[];
  readonly entrypoint: string;
}

/** The program an entrypoint command runs. */
const program = (entrypoint: string) => entrypoint.trim().split(/\s+/)[0] ?? '';

/** Warnings for `c`, each a sentence naming the file and what to do. */
export function buildWarnings(c: BuildCheckInput): string[] {
  const warnings: string[] = [];
  const others = c.otherRepositories;
  const unchecked: string[] = [];
  for (const p of c.packages) {
    if (c.index.has(p)) continue;
    if (others.length === 0) {
      warnings.push(`${c.configPath}: no configured repository provides ${p}: no workspace melange.yaml builds it and no other repository is configured; pass --repositories (and --keyring) or --base, or add it with nx g @apko/nx:package`);
    } else {
      unchecked.push(p);
    }
  }
  if (unchecked.length > 0) {
    warnings.push(`${c.configPath}: ${unchecked.join(', ')} must come from ${others.join(', ')}, which a generator does not fetch, so this was not checked; nx run <project>:lock resolves them`);
  }
  const prog = program(c.entrypoint);
  if (prog.startsWith('/')) {
    // A melange.yaml ships a path when one of its steps writes it under the destdir.
    const texts = c.packages.flatMap((p) => (c.index.get(p) ?? []).map((o) => c.melangeOf(o.owner)));
    const shipped = texts.some((t) => t.includes(prog));
    if (!shipped && others.length === 0) {
      warnings.push(`${c.configPath}: the entrypoint ${prog} is shipped by none of the workspace packages installed (${c.packages.join(', ')}); pass --entrypoint with a program one of them installs`);
    } else if (!shipped) {
      warnings.push(`${c.configPath}: the entrypoint ${prog} is not installed by any workspace package; it must come from ${others.join(', ')}, which was not checked`);
    }
  }
  return warnings;
}
