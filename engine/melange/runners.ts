/**
 * The runners a melange build can use, by name. A new runner is its own file
 * exporting a RunnerDefinition plus one entry here; the request validates the
 * name against this table, and the build starts the runner through it.
 */
import { MELANGE_RUNNER_NAMES, type MelangeRunnerName } from '../defaults';
import { ConfigError } from '../errors';
import type { Runner, RunnerContext, RunnerDefinition, RunnerFacts } from './runner';
import { bubblewrapRunner } from './runner-bubblewrap';
import { chrootRunner } from './runner-chroot';
import { hostRunner } from './runner-host';

/** Every runner, in the order errors and help list them. */
export const RUNNERS: Readonly<Record<MelangeRunnerName, RunnerDefinition>> = { bubblewrap: bubblewrapRunner, host: hostRunner, chroot: chrootRunner };

/** A runner's name. */
export type RunnerName = MelangeRunnerName;

/** The names of the runners, for help texts and errors (the defaults table lists them; the record above has one entry each). */
export const RUNNER_NAMES: readonly RunnerName[] = MELANGE_RUNNER_NAMES;

/** `name` as a runner name, or a ConfigError listing the runners there are. */
export function parseRunnerName(name: string): RunnerName {
  if (Object.hasOwn(RUNNERS, name)) return name as RunnerName;
  throw new ConfigError(`unknown runner "${name}" (the runners are ${RUNNER_NAMES.join(', ')})`, {
    hint: 'choose one of those (--runner in the CLI, the runner option of the package executor)',
  });
}

/** What runner `name` is, before it starts (an unknown name is refused as by parseRunnerName). */
export function runnerFacts(name: string): RunnerFacts {
  return RUNNERS[parseRunnerName(name)].facts;
}

/** Starts runner `name`, refusing first what this process cannot give it. */
export async function startRunner(name: RunnerName, ctx: RunnerContext): Promise<Runner> {
  const def = RUNNERS[name];
  if (def.facts.needsRoot !== undefined && process.getuid?.() !== 0) {
    throw new ConfigError(`runner "${name}" needs root (${def.facts.needsRoot})`, { hint: 'run the build as root, or use the default runner "bubblewrap"' });
  }
  return def.start(ctx);
}
