/**
 * The seam between the pipeline and where its shell runs. A Runner owns a
 * workspace (the source directory copied in, `melange-out/<pkg>` under it),
 * runs one script at a time with `/bin/sh -c`, and reports the exit status
 * and the tail of the output. Each runner says what it is (its facts) and
 * answers the questions the build has for it (where the workspace and the
 * caches are, as scripts see them, and which user the steps run as), so the
 * build never asks which runner it has. Adding one is a file that exports a
 * RunnerDefinition and an entry in runners.ts.
 */
import { spawn } from 'node:child_process';
import { constants as fsc, promises as fsp } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { StepCapabilities } from './model';
import type { Arch } from '../arch';
import type { PrepareRoot } from '../buildroot';
import { ConfigError } from '../errors';
import type { MelangeBuildRequest } from './build-options';
import type { BuildEnvironment } from './model';

/** One script to run. */
export interface StepRun {
  readonly script: string;
  /** The complete environment; nothing is inherited from this process. */
  readonly env: Readonly<Record<string, string>>;
  /** Ends the step (SIGKILL) when aborted: the build's timeout. */
  readonly signal?: AbortSignal;
}

/** How a script ended. */
export interface StepResult {
  /** Exit code, or null when a signal ended it. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** The last lines of combined stdout and stderr. */
  readonly tail: readonly string[];
}

/** What a runner is, known before it starts. */
export interface RunnerFacts {
  /**
   * How the steps are kept from this machine: `none` (they run on it as it
   * is), `chroot` (a chroot in private PID and mount namespaces) or
   * `namespaces` (bubblewrap: every namespace private, only the workspace writable).
   */
  readonly isolation: 'none' | 'chroot' | 'namespaces';
  /** Why the runner must run as root, or undefined when it need not. */
  readonly needsRoot?: string;
  /**
   * When the steps run in a root filesystem the engine builds from
   * `environment` (so `environment.contents.packages` are installed, and the
   * repository, keyring and package appends apply): `always`, `with-packages`
   * (when the environment lists packages; otherwise this machine's own
   * root, read-only) or `never` (the machine's own tools are used).
   */
  readonly preparesRoot: 'always' | 'with-packages' | 'never';
}

/** Where and how pipeline steps run. */
export interface Runner {
  readonly facts: RunnerFacts;
  /** The workspace as scripts see it (`/home/build` in a chroot). */
  readonly workspace: string;
  /** The same directory on this machine, where the engine reads `melange-out`. */
  readonly hostWorkspace: string;
  /** The user the steps run as, seen from this machine: packages record the files it made as root. */
  readonly stepUser: { readonly uid: number; readonly gid: number };
  /** A named build cache (`gomodcache`) as scripts see it. */
  cacheDir(name: string): string;
  run(step: StepRun): Promise<StepResult>;
  /** Removes everything the runner created; never throws (what it cannot remove it reports through the log). */
  dispose(): Promise<void>;
}

/** What starting a runner takes: the request (sources, build root inputs, log), the target and the environment. */
export interface RunnerContext {
  readonly request: MelangeBuildRequest;
  readonly arch: Arch;
  /** `environment` with the steps' `needs.packages` added. */
  readonly environment: BuildEnvironment;
  /** Paths inside the source directory not to copy (the output directory). */
  readonly skip: readonly string[];
  /** The file's top-level `capabilities:` for the steps' process (runners that set capabilities apply them). */
  readonly capabilities?: StepCapabilities;
  /** Test seam: writes the root instead of the build root stage (engine/buildroot). */
  readonly prepareRoot?: PrepareRoot;
}

/** A runner kind: its facts and how to start one. */
export interface RunnerDefinition {
  readonly facts: RunnerFacts;
  start(ctx: RunnerContext): Promise<Runner>;
}

/** Lines kept for error messages. */
export const TAIL_LINES = 20;
/** Bytes of output kept to find those lines in (a compiler can print megabytes). */
const TAIL_BYTES = 64 * 1024;

/** Runs a command, streaming its output lines to `onLine` and keeping the tail. */
export function spawnStep(
  command: string,
  args: readonly string[],
  opts: { env: Readonly<Record<string, string>>; cwd: string; onLine: (line: string) => void; signal?: AbortSignal },
): Promise<StepResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: { ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'], ...(opts.signal ? { signal: opts.signal, killSignal: 'SIGKILL' as const } : {}) });
    let kept = Buffer.alloc(0);
    let partial = '';
    const onData = (chunk: Buffer): void => {
      kept = Buffer.concat([kept, chunk]);
      if (kept.length > TAIL_BYTES * 2) kept = kept.subarray(kept.length - TAIL_BYTES);
      const text = partial + chunk.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) opts.onLine(l);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    // An abort (the build's timeout) ends the child; 'close' then reports the signal.
    child.on('error', (err) => {
      if (err.name !== 'AbortError') reject(err);
    });
    child.on('close', (code, signal) => {
      if (partial !== '') opts.onLine(partial);
      const lines = kept.toString('utf8').replace(/\n$/, '').split('\n');
      const tail = lines.length === 1 && lines[0] === '' ? [] : lines.slice(-TAIL_LINES);
      resolvePromise({ exitCode: code, signal, tail });
    });
  });
}

/**
 * Copies the source directory into the workspace, as melange does. Symlinks
 * are copied as links; `skip` lists absolute paths left out (the output
 * directory when it lies inside the source directory, so old packages do not
 * travel into the build).
 */
export async function copySource(sourceDir: string, workspace: string, skip: readonly string[]): Promise<void> {
  const src = resolve(sourceDir);
  // The workspace itself is left out too, for a --workspace-dir inside the sources.
  const skipped = [...skip, workspace].map((s) => resolve(s));
  await fsp.mkdir(workspace, { recursive: true });
  try {
    await copyTree(src, resolve(workspace), skipped);
  } catch (err) {
    throw new ConfigError(`cannot copy the source directory ${src} into the build workspace: ${(err as Error).message}`, {
      cause: err,
      hint: 'check sourceDir (--source-dir); it defaults to the directory holding melange.yaml',
    });
  }
}

/**
 * Copies `from` into `to`, leaving out `skipped`. A directory holding a
 * skipped path is walked entry by entry: one copy of it would refuse to
 * copy a directory into itself (the workspace inside the sources).
 */
async function copyTree(from: string, to: string, skipped: readonly string[]): Promise<void> {
  const out = (p: string) => skipped.some((s) => p === s || p.startsWith(s + sep));
  const holds = (p: string) => skipped.some((s) => s.startsWith(p + sep));
  if (!holds(from)) {
    await fsp.cp(from, to, { recursive: true, verbatimSymlinks: true, filter: (f) => !out(resolve(f)) });
    return;
  }
  await fsp.mkdir(to, { recursive: true });
  for (const name of await fsp.readdir(from)) {
    const child = join(from, name);
    if (out(child)) continue;
    const st = await fsp.lstat(child);
    if (st.isDirectory()) await copyTree(child, join(to, name), skipped);
    else await fsp.cp(child, join(to, name), { verbatimSymlinks: true });
  }
}

/**
 * The workspace on this machine: `<workspaceDir>/<arch>` when the request
 * names a workspace directory (melange's `--workspace-dir`), else
 * `fallback`; the source directory is copied in unless the request asks for
 * an empty workspace.
 */
export async function prepareWorkspace(ctx: RunnerContext, fallback: string): Promise<string> {
  const r = ctx.request;
  const ws = workspacePath(ctx, fallback);
  await fsp.mkdir(ws, { recursive: true, mode: 0o755 });
  if (r.emptyWorkspace) r.log('empty workspace requested: the source directory is not copied in');
  else await copySource(r.sourceDir, ws, ctx.skip);
  return ws;
}

/** Where prepareWorkspace puts the workspace: `<workspaceDir>/<arch>` (as melange), else `fallback`. */
export function workspacePath(ctx: Pick<RunnerContext, 'request' | 'arch'>, fallback: string): string {
  return ctx.request.workspaceDir !== undefined ? join(ctx.request.workspaceDir, ctx.arch.apk) : fallback;
}

/** Where melange mounts its inputs cache (`--cache-dir`) in the build. */
export const MELANGE_CACHE_MOUNT = '/var/cache/melange';

/** The inputs cache directory to mount at MELANGE_CACHE_MOUNT (real path), or undefined when it is not a directory, as melange skips it then. */
export async function inputsCache(ctx: RunnerContext): Promise<string | undefined> {
  const dir = ctx.request.cacheDir;
  if (dir === undefined) return undefined;
  const st = await fsp.stat(dir).catch(() => undefined);
  return st?.isDirectory() ? fsp.realpath(dir) : undefined;
}

/** True when `child` is `parent` or inside it. */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(resolve(parent), resolve(child));
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}

/** The directory under the workspace where package `name`'s files are collected. */
export function outputDir(workspace: string, name: string): string {
  return join(workspace, 'melange-out', name);
}

/** The absolute path of `tool` on this process's PATH, or undefined. */
export async function findTool(tool: string, path: string = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of path.split(':')) {
    if (dir === '' || !dir.startsWith('/')) continue;
    const candidate = join(dir, tool);
    try {
      await fsp.access(candidate, fsc.X_OK);
      if ((await fsp.stat(candidate)).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
