/**
 * The chroot runner (root only): `prepareRoot` writes the build environment's
 * packages as a root filesystem into a temporary directory, the source
 * directory is copied to `/home/build` inside it, and each step runs as
 * `chroot <root> /bin/sh -c <script>`. Copying instead of bind-mounting keeps
 * the runner free of mounts that could outlive a crash; the cost is one copy
 * of the sources, and the packages are read from `<root>/home/build/melange-out`.
 */
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Arch } from '../arch';
import { ConfigError } from '../errors';
import type { BuildEnvironment } from './model';
import { copySource, spawnStep, type Runner, type StepResult, type StepRun } from './runner';

/** Writes a root filesystem for `environment` on `arch` into `dir` (the lead wires the image engine in). */
import type { PrepareRoot } from '../buildroot';
export type { PrepareRoot };

/** What the chroot runner needs. */
export interface ChrootRunnerOptions {
  readonly sourceDir: string;
  readonly skip: readonly string[];
  readonly environment: BuildEnvironment;
  readonly arch: Arch;
  readonly prepareRoot: PrepareRoot;
  readonly log: (line: string) => void;
}

/** The workspace path inside the root, as melange uses it. */
export const CHROOT_WORKSPACE = '/home/build';

/** Builds the root filesystem and copies the sources in; the caller disposes it. */
export async function createChrootRunner(o: ChrootRunnerOptions): Promise<Runner> {
  if (process.getuid?.() !== 0) {
    throw new ConfigError('runner "chroot" needs root (chroot(2) is a privileged call)', {
      hint: 'run the build as root, or use runner "host"',
    });
  }
  const root = await fsp.mkdtemp(join(tmpdir(), 'apko-nx-melange-root-'));
  try {
    await o.prepareRoot(o.environment, o.arch, root);
    const hostWorkspace = join(root, CHROOT_WORKSPACE);
    await copySource(o.sourceDir, hostWorkspace, o.skip);
    // lstat, not access: /bin/sh is usually an absolute symlink that means something else outside the root.
    await fsp.lstat(join(root, 'bin', 'sh')).catch((err: unknown) => {
      throw new ConfigError('the build environment has no /bin/sh, so no pipeline step can run in it', {
        cause: err,
        hint: 'add a shell (busybox, or bash with a /bin/sh link) to environment.contents.packages',
      });
    });
    return {
      kind: 'chroot',
      workspace: CHROOT_WORKSPACE,
      hostWorkspace,
      run(step: StepRun): Promise<StepResult> {
        return spawnStep('chroot', [root, '/bin/sh', '-c', step.script], { env: step.env, cwd: '/', onLine: o.log });
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
