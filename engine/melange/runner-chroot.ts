/**
 * The chroot runner (root only): the build root stage (engine/buildroot)
 * writes the build environment's packages as a root filesystem into a
 * temporary directory, the source directory is copied to `/home/build`
 * inside it, and each step runs as `chroot <root> /bin/sh -c <script>`.
 * Copying instead of bind-mounting keeps the runner free of mounts that could
 * outlive a crash; the cost is one copy of the sources, and the packages are
 * read from `<root>/home/build/melange-out`.
 */
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootPreparer, type PrepareRoot } from '../buildroot';
import { ConfigError } from '../errors';
import { copySource, spawnStep, type Runner, type RunnerContext, type RunnerDefinition, type RunnerFacts, type StepResult, type StepRun } from './runner';

/** The workspace path inside the root, as melange uses it. */
export const CHROOT_WORKSPACE = '/home/build';
/** Where melange mounts its cache inside the build environment. */
const CHROOT_CACHE = '/var/cache/melange';

const FACTS: RunnerFacts = { isolation: 'chroot', needsRoot: 'chroot(2) is a privileged call', needsPreparedRoot: true };

/** The build root stage, fed from the request: its cache, offline mode, and melange's -r/-k/-p. */
function buildRootFor(ctx: RunnerContext): PrepareRoot {
  const r = ctx.request;
  return rootPreparer({
    cwd: r.cwd,
    cacheDir: r.cacheDir,
    offline: r.offline,
    log: r.log,
    repositoryAppend: r.repositoryAppend,
    keyringAppend: r.keyringAppend,
    packageAppend: r.packageAppend,
  });
}

/** Builds the root filesystem and copies the sources in; the caller disposes it. */
async function startChrootRunner(ctx: RunnerContext): Promise<Runner> {
  const log = ctx.request.log;
  const root = await fsp.mkdtemp(join(tmpdir(), 'apko-nx-melange-root-'));
  try {
    await (ctx.prepareRoot ?? buildRootFor(ctx))(ctx.environment, ctx.arch, root);
    const hostWorkspace = join(root, CHROOT_WORKSPACE);
    await copySource(ctx.request.sourceDir, hostWorkspace, ctx.skip);
    // lstat, not access: /bin/sh is usually an absolute symlink that means something else outside the root.
    await fsp.lstat(join(root, 'bin', 'sh')).catch((err: unknown) => {
      throw new ConfigError('the build environment has no /bin/sh, so no pipeline step can run in it', {
        cause: err,
        hint: 'add a shell (busybox, or bash with a /bin/sh link) to environment.contents.packages',
      });
    });
    return {
      facts: FACTS,
      workspace: CHROOT_WORKSPACE,
      hostWorkspace,
      // chroot keeps this process's user: root.
      stepUser: { uid: 0, gid: 0 },
      cacheDir: (name) => `${CHROOT_CACHE}/${name}`,
      run(step: StepRun): Promise<StepResult> {
        return spawnStep('chroot', [root, '/bin/sh', '-c', step.script], { env: step.env, cwd: '/', onLine: log });
      },
      async dispose(): Promise<void> {
        await fsp.rm(root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await fsp.rm(root, { recursive: true, force: true });
    throw err;
  }
}

/** `chroot`: a root built from the environment, root only. */
export const chrootRunner: RunnerDefinition = { facts: FACTS, start: startChrootRunner };
