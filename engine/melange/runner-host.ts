/**
 * The host runner: steps run with this machine's `/bin/sh`, in a temporary
 * workspace holding a copy of the source directory. Nothing isolates the
 * build from the host: a step can read and write whatever this user can
 * (a step that writes `/home/build/x`, as melange files do, writes the real
 * `/home/build/x`), and the environment's packages are not installed (the
 * build uses whatever the machine has). It is an explicit choice for
 * machines without bubblewrap, and it says why it is unsafe once through `log`.
 */
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inputsCache, prepareWorkspace, spawnStep, type Runner, type RunnerContext, type RunnerDefinition, type RunnerFacts, type StepResult, type StepRun } from './runner';
import { removeRunnerDir } from './runner-cleanup';

const FACTS: RunnerFacts = { isolation: 'none', preparesRoot: 'never' };

/** The warning every host build prints first. */
export function hostRunnerWarning(packages: readonly string[]): string {
  const pkgs = packages.length > 0 ? `; environment.contents.packages (${packages.join(', ')}) are not installed` : '';
  return (
    'warning: runner "host" runs the pipeline directly on this machine, without isolation: it is unsafe, since every step can read and write ' +
    `anything this user can (/home/build, /etc, /tmp, $HOME, the checkout) and a step that writes /home/build/x writes that path on this machine${pkgs}; ` +
    'use the default runner "bubblewrap" (install bubblewrap) to confine the steps to their workspace'
  );
}

/** Creates a workspace under the system temp directory and copies the source into it. */
async function startHostRunner(ctx: RunnerContext): Promise<Runner> {
  const { log } = ctx.request;
  log(hostRunnerWarning(ctx.environment.contents.packages));
  const root = await fsp.mkdtemp(join(tmpdir(), 'apko-nx-melange-'));
  let workspace: string;
  let cache: string | undefined;
  try {
    workspace = await prepareWorkspace(ctx, join(root, 'build'));
    // No mounts here: steps use the inputs cache where it is on this machine.
    cache = await inputsCache(ctx);
  } catch (err) {
    await removeRunnerDir(root, log);
    throw err;
  }
  const ws = workspace;
  return {
    facts: FACTS,
    workspace: ws,
    hostWorkspace: ws,
    // Files the steps make belong to this process's user.
    stepUser: { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
    cacheDir: (name) => (cache !== undefined ? `${cache}/${name}` : `${ws}/.cache/${name}`),
    run(step: StepRun): Promise<StepResult> {
      return spawnStep('/bin/sh', ['-c', step.script], { env: step.env, cwd: ws, onLine: log, ...(step.signal ? { signal: step.signal } : {}) });
    },
    dispose: async () => {
      await removeRunnerDir(root, log);
      if (ctx.request.workspaceDir !== undefined) await removeRunnerDir(ws, log);
    },
  };
}

/** `host`: no isolation, no root needed; unsafe, and it says so. */
export const hostRunner: RunnerDefinition = { facts: FACTS, start: startHostRunner };
