/**
 * What `nx release` hands an image project's `nx-release-publish` target,
 * read in one place: the version (`options.version`, else the `newVersion`
 * nx release version chose, passed as `nxReleaseVersionData`, else the
 * project's package.json `version`, which `nx release version` wrote, for a
 * separate `nx release publish`), the references to push
 * (`<repository>:<version>`), and whether this is a dry run (`--dry-run` sets
 * `dryRun` and NX_DRY_RUN for every publish task).
 */
import type { ExecutorContext } from '@nx/devkit';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../engine';
import type { ReleasePublishExecutorSchema } from './schema';

function packageJsonVersion(context: ExecutorContext): { file: string; version?: string } {
  const root = context.projectsConfigurations.projects[context.projectName ?? '']?.root ?? '.';
  const file = join(root, 'package.json');
  try {
    const version: unknown = JSON.parse(readFileSync(join(context.root, file), 'utf8')).version;
    return typeof version === 'string' && version !== '' ? { file, version } : { file };
  } catch {
    return { file };
  }
}

/** The version to tag with, from the first source that has one. */
export function releaseVersion(o: ReleasePublishExecutorSchema, context: ExecutorContext): string {
  if (o.version !== undefined && o.version !== '') return o.version;
  const data = o.nxReleaseVersionData?.[context.projectName ?? ''] as { newVersion?: unknown } | undefined;
  if (typeof data?.newVersion === 'string' && data.newVersion !== '') return data.newVersion;
  const fromPackage = packageJsonVersion(context);
  if (fromPackage.version !== undefined) return fromPackage.version;
  throw new ConfigError(`no version to release ${o.config} under: nx release chose none for ${context.projectName}, and ${fromPackage.file} has no version`, {
    file: fromPackage.file,
    hint: `run nx release <version> (or nx release version first), give ${fromPackage.file} a "version", or set the version option`,
  });
}

/** `<repository>:<version>` for each repository; none is an error that says where to set them. */
export function releaseTags(o: ReleasePublishExecutorSchema, context: ExecutorContext, version: string): string[] {
  const repositories = o.repositories ?? [];
  if (repositories.length === 0) {
    throw new ConfigError(`no repositories to release ${o.config} to`, {
      hint: `set options.repositories of ${context.projectName}'s nx-release-publish target (project.json, or "nx" in package.json), e.g. ["ghcr.io/acme/api"]`,
    });
  }
  return repositories.map((r) => `${r}:${version}`);
}

/** nx release --dry-run: the option, or NX_DRY_RUN, which nx release sets for every publish task. */
export function isDryRun(o: ReleasePublishExecutorSchema, env: NodeJS.ProcessEnv = process.env): boolean {
  return o.dryRun === true || env.NX_DRY_RUN === 'true';
}
