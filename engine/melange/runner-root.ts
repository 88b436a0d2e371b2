/**
 * A build root for the runners that run steps in one (chroot, and
 * bubblewrap when the environment lists packages): the build root stage
 * (engine/buildroot) resolves and installs the environment's packages
 * exactly as an image's, and writes them into a directory on this machine.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { rootPreparer, type PrepareRoot } from '../buildroot';
import { ConfigError } from '../errors';
import type { RunnerContext, RunnerFacts } from './runner';

/** The build root stage, fed from the request: its cache, offline mode, and melange's -r/-k/-p. */
function buildRootFor(ctx: RunnerContext): PrepareRoot {
  const r = ctx.request;
  return rootPreparer({
    cwd: r.cwd,
    cacheDir: r.apkCacheDir,
    offline: r.offline,
    log: r.log,
    repositoryAppend: r.repositoryAppend,
    keyringAppend: r.keyringAppend,
    packageAppend: r.packageAppend,
  });
}

/**
 * Writes the environment's root filesystem into `root` and checks it has a
 * shell; `mountPoints` (absolute paths in the root) are created for the
 * runner's own mounts.
 */
export async function prepareBuildRoot(ctx: RunnerContext, root: string, mountPoints: readonly string[]): Promise<void> {
  await (ctx.prepareRoot ?? buildRootFor(ctx))(ctx.environment, ctx.arch, root);
  // lstat, not access: /bin/sh is usually an absolute symlink that means something else outside the root.
  await fsp.lstat(join(root, 'bin', 'sh')).catch((err: unknown) => {
    throw new ConfigError('the build environment has no /bin/sh, so no pipeline step can run in it', {
      cause: err,
      hint: 'add a shell (busybox, or bash with a /bin/sh link) to environment.contents.packages',
    });
  });
  for (const p of mountPoints) await fsp.mkdir(join(root, p), { recursive: true });
}

/** True when the environment (with -p appends) lists packages to install. */
export function wantsPackages(ctx: Pick<RunnerContext, 'environment' | 'request'>): boolean {
  return ctx.environment.contents.packages.length > 0 || ctx.request.packageAppend.length > 0;
}

/** True when runner `facts` run the steps in a root built for the target architecture (whose binaries this machine must be able to run). */
export function runsInTargetRoot(facts: RunnerFacts, ctx: Pick<RunnerContext, 'environment' | 'request'>): boolean {
  return facts.preparesRoot === 'always' || (facts.preparesRoot === 'with-packages' && wantsPackages(ctx));
}
