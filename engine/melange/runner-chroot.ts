/**
 * The chroot runner (root only): the build root stage (engine/buildroot)
 * writes the build environment's packages as a root filesystem into a
 * temporary directory, the source directory is copied to `/home/build`
 * inside it, and each step runs as
 * `unshare --pid --fork --kill-child --mount --mount-proc=<root>/proc chroot <root> /bin/sh -c <script>`:
 * a private PID namespace whose /proc shows only the step's own processes
 * (the host's /proc would lead out of the root through /proc/1/root), and a
 * private mount namespace, so whatever a step mounts disappears with it.
 * chroot does not hold a root step that calls chroot(2) itself; the
 * bubblewrap runner does (pivot_root, user namespace). The packages are
 * read from `<root>/home/build/melange-out`.
 */
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors';
import { copySource, findTool, inputsCache, spawnStep, type Runner, type RunnerContext, type RunnerDefinition, type RunnerFacts, type StepResult, type StepRun } from './runner';
import { removeRunnerDir } from './runner-cleanup';
import { prepareBuildRoot } from './runner-root';

/** The workspace path inside the root, as melange uses it. */
export const CHROOT_WORKSPACE = '/home/build';
/** Where melange mounts its cache inside the build environment. */
const CHROOT_CACHE = '/var/cache/melange';

const FACTS: RunnerFacts = { isolation: 'chroot', needsRoot: 'chroot(2) is a privileged call', preparesRoot: 'always' };

/** Builds the root filesystem and copies the sources in; the caller disposes it. */
async function startChrootRunner(ctx: RunnerContext): Promise<Runner> {
  const log = ctx.request.log;
  const unshare = await findTool('unshare');
  const chroot = await findTool('chroot');
  if (unshare === undefined || chroot === undefined) {
    throw new ConfigError(`runner "chroot" needs ${unshare === undefined ? 'unshare (util-linux), which gives each step a private /proc and private mounts' : 'chroot (coreutils)'}, and it is not on PATH`, {
      hint: 'install util-linux and coreutils, or use the default runner "bubblewrap"',
    });
  }
  const root = await fsp.mkdtemp(join(tmpdir(), 'apko-nx-melange-root-'));
  try {
    await prepareBuildRoot(ctx, root, ['proc']);
    const hostWorkspace = join(root, CHROOT_WORKSPACE);
    await fsp.mkdir(hostWorkspace, { recursive: true });
    if (!ctx.request.emptyWorkspace) await copySource(ctx.request.sourceDir, hostWorkspace, ctx.skip);
    if ((await inputsCache(ctx)) !== undefined) log(`warning: runner "chroot" does not mount the inputs cache ${ctx.request.cacheDir} at /var/cache/melange; use the default runner "bubblewrap" for --cache-dir`);
    const isolate = [unshare, '--pid', '--fork', '--kill-child', '--mount', `--mount-proc=${join(root, 'proc')}`, '--', chroot, root];
    return {
      facts: FACTS,
      workspace: CHROOT_WORKSPACE,
      hostWorkspace,
      // chroot keeps this process's user: root.
      stepUser: { uid: 0, gid: 0 },
      cacheDir: (name) => `${CHROOT_CACHE}/${name}`,
      run(step: StepRun): Promise<StepResult> {
        return spawnStep(isolate[0]!, [...isolate.slice(1), '/bin/sh', '-c', step.script], { env: step.env, cwd: '/', onLine: log, ...(step.signal ? { signal: step.signal } : {}) });
      },
      dispose: () => removeRunnerDir(root, log),
    };
  } catch (err) {
    await removeRunnerDir(root, log);
    throw err;
  }
}

/** `chroot`: a root built from the environment, root only. */
export const chrootRunner: RunnerDefinition = { facts: FACTS, start: startChrootRunner };
