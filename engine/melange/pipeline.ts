/**
 * Runs a package's pipeline steps in order. Each `runs:` (and each `uses:`
 * run by code, builtins.ts; other `uses:` were expanded into nested steps at
 * load, uses.ts) becomes the script melange writes: `set -e`, `umask 022`, create
 * and enter the working directory, the fragment, `exit 0`, run with
 * `/bin/sh -c`. `umask 022` is ours: it keeps the modes of created files
 * independent of the caller's umask. Nested `pipeline:` steps inherit the
 * working directory and environment. A step whose `if:` is false is skipped.
 * A failing step is a PipelineError naming the step, its command, its exit
 * code and the last lines of its output; nothing after it runs.
 */
import { promises as fsp } from 'node:fs';
import { join, posix } from 'node:path';
import { formatPath, type PathSegment } from '../yaml/tree';
import { PipelineError } from '../errors';
import { builtinScript, shQuote } from './builtins';
import { evaluateCondition } from './condition';
import { readDestdir } from './destdir';
import type { PipelineStep } from './model';
import { TAIL_LINES, type Runner } from './runner';
import { substitute, substituteQuoted, type Substitutions } from './substitutions';

/** Everything a pipeline run shares. */
export interface PipelineRun {
  readonly runner: Runner;
  /** The melange.yaml, for messages. */
  readonly file: string;
  /** The package the pipeline builds, for messages. */
  readonly pkg: string;
  readonly substitutions: Substitutions;
  /** Environment every step starts from. */
  readonly env: Readonly<Record<string, string>>;
  /** `${{targets.contextdir}}` as scripts see it and on this machine. */
  readonly contextDir: { readonly inRunner: string; readonly onHost: string };
  readonly log: (line: string) => void;
}

interface Inherited {
  readonly workdir?: string;
  readonly env: Readonly<Record<string, string>>;
}

/** How a step is called in logs and errors (melange's `identity`). */
export function stepName(step: PipelineStep): string {
  if (step.name) return step.name;
  if (step.uses) return `uses: ${step.uses}`;
  const first = (step.runs ?? '').split('\n').find((l) => l.trim() !== '')?.trim() ?? 'pipeline';
  return first.length > 60 ? `${first.slice(0, 57)}...` : first;
}

/** The script melange runs for a fragment. */
export function stepScript(workdir: string, fragment: string): string {
  const w = shQuote(workdir);
  return `set -e\numask 022\n[ -d ${w} ] || mkdir -p ${w}\ncd ${w}\n${fragment}\nexit 0\n`;
}

function indent(lines: readonly string[]): string {
  return lines.map((l) => `    ${l}`).join('\n');
}

/** One script of a step: its name and YAML path for messages, where and with what it runs. */
interface Execution {
  readonly name: string;
  readonly where: string;
  readonly workdir: string;
  readonly env: Record<string, string>;
  readonly fragment: string;
}

async function execute(run: PipelineRun, x: Execution): Promise<void> {
  const { name, where, workdir, env, fragment } = x;
  const result = await run.runner.run({ script: stepScript(workdir, fragment), env });
  if (result.exitCode === 0) return;
  const how = result.exitCode === null ? `was killed by ${result.signal ?? 'a signal'}` : `failed with exit code ${result.exitCode}`;
  const output = result.tail.length > 0 ? `\nlast ${Math.min(TAIL_LINES, result.tail.length)} lines of output:\n${indent(result.tail)}` : '\n(no output)';
  throw new PipelineError(`${run.pkg}: step "${name}" ${how} (${run.file}: ${where})\ncommand:\n${indent(fragment.replace(/\n$/, '').split('\n'))}${output}`, {
    step: name,
    exitCode: result.exitCode,
    hint: 'fix the command or the files it needs; the lines above are the end of its output',
  });
}

async function runStep(step: PipelineStep, run: PipelineRun, path: PathSegment[], inherited: Inherited): Promise<boolean> {
  const site = (key: string) => ({ file: run.file, path: formatPath([...path, key]) });
  const s = (v: string, key: string) => substitute(v, run.substitutions, site(key));
  const name = stepName(step);
  if (step.if !== undefined && !evaluateCondition(substituteQuoted(step.if, run.substitutions, site('if')), site('if'))) {
    run.log(`skipping step "${name}": if: ${step.if} is false`);
    return false;
  }
  const wd = step.workingDirectory !== undefined ? s(step.workingDirectory, 'working-directory') : inherited.workdir;
  const workdir = wd === undefined ? run.runner.workspace : posix.resolve(run.runner.workspace, wd);
  const env: Record<string, string> = { ...inherited.env };
  for (const [k, v] of Object.entries(step.environment)) env[k] = s(v, `environment.${k}`);
  const where = formatPath(path);
  run.log(`running step "${name}"`);
  if (step.code !== undefined) {
    const args = Object.fromEntries(Object.entries(step.with).map(([k, v]) => [k, s(v, `with.${k}`)]));
    const rel = posix.relative(run.runner.workspace, workdir);
    const target = {
      contextDir: run.contextDir.inRunner,
      entries: () => readDestdir(run.contextDir.onHost, NO_REMAP),
      ...(rel === '' || (!rel.startsWith('..') && !posix.isAbsolute(rel)) ? { hostWorkdir: join(run.runner.hostWorkspace, rel) } : {}),
      where: `${run.file}: ${where}`,
    };
    if (target.hostWorkdir !== undefined) await fsp.mkdir(target.hostWorkdir, { recursive: true });
    const script = await builtinScript({ uses: step.code, with: args }, target, run.log);
    if (script !== undefined) await execute(run, { name, where, workdir, env, fragment: script });
  }
  if (step.runs !== undefined) await execute(run, { name, where, workdir, env, fragment: s(step.runs, 'runs') });
  let ran = 0;
  for (let i = 0; i < step.pipeline.length; i++) {
    if (await runStep(step.pipeline[i]!, run, [...path, 'pipeline', i], { workdir, env })) ran++;
  }
  if (step.requiredSteps !== undefined && ran !== step.requiredSteps) {
    throw new PipelineError(`${run.pkg}: step "${name}" ran ${ran} of its nested steps, but assertions.required-steps is ${step.requiredSteps} (${run.file}: ${where})`, {
      step: name,
      exitCode: null,
      hint: 'check the if: conditions of the nested steps',
    });
  }
  return true;
}

const NO_REMAP = { rootUids: new Set<number>(), rootGids: new Set<number>(), userNames: new Map(), groupNames: new Map() };

/** Runs `steps` (at YAML path `base`, e.g. `['pipeline']`) in order. */
export async function runPipeline(steps: readonly PipelineStep[], run: PipelineRun, base: PathSegment[]): Promise<void> {
  for (let i = 0; i < steps.length; i++) await runStep(steps[i]!, run, [...base, i], { env: run.env });
}
