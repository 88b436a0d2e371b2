/**
 * The host runner: steps run with this machine's `/bin/sh`, in a temporary
 * workspace holding a copy of the source directory. Nothing isolates the
 * build from the host, and the environment's packages are not installed (the
 * build uses whatever the machine has), so it says so once through `log`.
 */
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copySource, spawnStep, type Runner, type RunnerContext, type RunnerDefinition, type RunnerFacts, type StepResult, type StepRun } from './runner';

const FACTS: RunnerFacts = { isolation: 'none', needsPreparedRoot: false };

/** Creates a workspace under the system temp directory and copies the source into it. */
async function startHostRunner(ctx: RunnerContext): Promise<Runner> {
  const { sourceDir, log } = ctx.request;
  const root = await fsp.mkdtemp(join(tmpdir(), 'apko-nx-melange-'));
  const workspace = join(root, 'build');
  await copySource(sourceDir, workspace, ctx.skip);
  const wanted = ctx.environment.contents.packages;
  const pkgs = wanted.length > 0 ? ` (environment.contents.packages ${wanted.join(', ')} are not installed)` : '';
  log(`warning: runner "host" runs the pipeline directly on this machine, without isolation${pkgs}; use runner "chroot" as root for a clean build environment`);
  return {
    facts: FACTS,
    workspace,
    hostWorkspace: workspace,
    // Files the steps make belong to this process's user.
    stepUser: { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
    cacheDir: (name) => `${workspace}/.cache/${name}`,
    run(step: StepRun): Promise<StepResult> {
      return spawnStep('/bin/sh', ['-c', step.script], { env: step.env, cwd: workspace, onLine: log });
    },
    async dispose(): Promise<void> {
      await fsp.rm(root, { recursive: true, force: true });
    },
  };
}

/** `host`: no isolation, no root needed. */
export const hostRunner: RunnerDefinition = { facts: FACTS, start: startHostRunner };
