/**
 * The build outputs a package needs, checked before anything is packaged:
 * the outputs the project's build target declares (written in project.json
 * or inferred by another plugin, as Nx resolved them into the executor's
 * context). The package target depends on that build, so they are missing
 * only when the build was skipped (--exclude-task-dependencies, a build
 * target renamed without the plugin's buildTargetName) or wrote elsewhere;
 * packaging then would ship whatever an earlier build left, under a hash
 * that says otherwise.
 */
import type { ExecutorContext } from '@nx/devkit';
import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import { ConfigError } from '../../engine';

const GLOB = /[*?[\]{}!]/;

/** An output pattern with Nx's tokens filled in, cut before its first glob component; undefined when a token is unknown. */
function outputPath(pattern: string, vars: Readonly<Record<string, unknown>>): string | undefined {
  let unknown = false;
  const filled = pattern.replace(/\{([\w.]+)\}/g, (_m, name: string) => {
    const v = vars[name];
    if (typeof v !== 'string') unknown = true;
    return typeof v === 'string' ? v : '';
  });
  if (unknown || filled.startsWith('!')) return undefined;
  const parts = filled.split('/');
  const cut = parts.findIndex((p) => GLOB.test(p));
  const literal = cut === -1 ? parts : parts.slice(0, cut);
  const path = posix.normalize(literal.join('/') || '.').replace(/^\/+/, '');
  return path === '' ? '.' : path;
}

/** Workspace-relative paths the build target declares as outputs and that do not exist. */
export function missingBuildOutputs(context: ExecutorContext, buildTarget: string): { target?: string; missing: string[] } {
  const project = context.projectName === undefined ? undefined : context.projectsConfigurations?.projects?.[context.projectName];
  const build = project?.targets?.[buildTarget];
  if (project === undefined || build === undefined) return { missing: [] };
  const options = Object.fromEntries(Object.entries(build.options ?? {}).map(([k, v]) => [`options.${k}`, v]));
  const vars = { workspaceRoot: '', projectRoot: project.root, projectName: context.projectName, ...options };
  const missing = (build.outputs ?? [])
    .map((o) => outputPath(o, vars))
    .filter((p): p is string => p !== undefined && !existsSync(posix.join(context.root, p)));
  // A path inside another missing one says nothing more.
  const outermost = [...new Set(missing)].filter((p, _i, all) => !all.some((q) => q !== p && (q === '.' || p.startsWith(`${q}/`))));
  return { target: `${context.projectName}:${buildTarget}`, missing: outermost };
}

/** Refuses to package when the build's outputs are missing, naming the path and the build to run. */
export function checkBuildOutputs(context: ExecutorContext, buildTarget: string, config: string): void {
  const { target, missing } = missingBuildOutputs(context, buildTarget);
  if (missing.length === 0) return;
  throw new ConfigError(`${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist: ${target} declares ${missing.length === 1 ? 'it as its output' : 'them as its outputs'}, which ${config} packages`, {
    file: missing[0]!,
    hint: `run nx run ${target} first (the package target depends on it: do not skip it with --exclude-task-dependencies)`,
  });
}
