/**
 * The host runner: steps run with this machine's `/bin/sh`, in a temporary
 * workspace holding a copy of the source directory. Nothing isolates the
 * build from the host, and the environment's packages are not installed (the
 * build uses whatever the machine has), so it says so once through `log`.
 */
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copySource, spawnStep, type Runner, type StepResult, type StepRun } from './runner';

/** What the host runner needs. */
export interface HostRunnerOptions {
  readonly sourceDir: string;
  /** Paths inside the source directory not to copy (the output directory). */
  readonly skip: readonly string[];
  /** Packages the environment asks for, named in the warning. */
  readonly environmentPackages: readonly string[];
  readonly log: (line: string) => void;
}

/** Creates a workspace under the system temp directory and copies the source into it. */
export async function createHostRunner(o: HostRunnerOptions): Promise<Runner> {
  const root = await fsp.mkdtemp(join(tmpdir(), 'apko-nx-melange-'));
  const workspace = join(root, 'build');
  await copySource(o.sourceDir, workspace, o.skip);
  const pkgs = o.environmentPackages.length > 0 ? ` (environment.contents.packages ${o.environmentPackages.join(', ')} are not installed)` : '';
  o.log(`warning: runner "host" runs the pipeline directly on this machine, without isolation${pkgs}; use runner "chroot" as root for a clean build environment`);
  return {
    kind: 'host',
    workspace,
    hostWorkspace: workspace,
    run(step: StepRun): Promise<StepResult> {
      return spawnStep('/bin/sh', ['-c', step.script], { env: step.env, cwd: workspace, onLine: o.log });
    },
    async dispose(): Promise<void> {
      await fsp.rm(root, { recursive: true, force: true });
    },
  };
}
