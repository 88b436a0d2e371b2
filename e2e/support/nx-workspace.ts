/**
 * Real Nx and Turborepo workspaces for the plugin's end-to-end tests: the
 * plugin as users get it (`npm pack` of the built package), installed with
 * npm from the registry (the only network the tests use) into a temporary
 * git repository. One workspace per tool version per test file; the tests of
 * a file run in order against it, as a user's session would.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cleanEnv } from './cli';
import { ROOT } from './env';

/** A command's outcome. */
export interface Run {
  readonly code: number | null;
  readonly output: string;
}

let packed: string | undefined;

/**
 * `npm pack` of the built repository (run `npm run build` first), once per
 * test process. `--ignore-scripts`: the package's `prepack` would rebuild
 * dist/ while other test files run from it.
 */
export function packPlugin(): string {
  if (packed) return packed;
  const dir = mkdtempSync(join(tmpdir(), 'apko-nx-pack-'));
  const r = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, '--silent'], { cwd: ROOT, encoding: 'utf8', env: cleanEnv() });
  if (r.status !== 0) throw new Error(`npm pack failed: ${r.stderr}`);
  packed = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
  return packed;
}

/** Environment for workspace commands: no daemon, cloud, TUI or caller cache; git identity fixed. */
export function workspaceEnv(ws: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv({
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NX_SKIP_NX_CACHE: undefined,
    NX_CACHE_DIRECTORY: join(ws, '.nx', 'cache'),
    NX_WORKSPACE_DATA_DIRECTORY: undefined,
    // Output is parsed: no colours even when CI=true turns them on.
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    TURBO_TELEMETRY_DISABLED: '1',
    DO_NOT_TRACK: '1',
    GIT_AUTHOR_NAME: 'e2e',
    GIT_AUTHOR_EMAIL: 'e2e@example.com',
    GIT_COMMITTER_NAME: 'e2e',
    GIT_COMMITTER_EMAIL: 'e2e@example.com',
    ...extra,
  });
}

/** Runs `cmd args` in the workspace and returns exit code and combined output. */
export function run(ws: string, cmd: string, args: readonly string[], extra: Record<string, string> = {}): Run {
  const r = spawnSync(cmd, args, { cwd: ws, env: workspaceEnv(ws, extra), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** `run` without blocking this process (for servers the command talks to, such as a loopback remote cache). */
export function runAsync(ws: string, cmd: string, args: readonly string[], extra: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ws, env: workspaceEnv(ws, extra) });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Like `run`, but throws with the output when the command fails. */
export function runOk(ws: string, cmd: string, args: readonly string[], extra: Record<string, string> = {}): string {
  const r = run(ws, cmd, args, extra);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}) in ${ws}:\n${r.output}`);
  return r.output;
}

/** Writes files (creating directories), relative to the workspace. */
export function writeFiles(ws: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(ws, path)), { recursive: true });
    writeFileSync(join(ws, path), text, { mode: path.endsWith('.sh') || path.includes('/bin/') ? 0o755 : 0o644 });
  }
}

/** A new git repository holding `files`, with `devDependencies` installed by npm (awaited: an install can take over a minute). */
export async function makeWorkspace(prefix: string, files: Record<string, string>, install: readonly string[]): Promise<string> {
  const ws = mkdtempSync(join(tmpdir(), prefix));
  writeFiles(ws, files);
  runOk(ws, 'git', ['init', '-q', '-b', 'main']);
  await runAsyncOk(ws, 'npm', ['install', '--save-dev', '--no-audit', '--no-fund', '--loglevel=error', ...install]);
  return ws;
}

/** How a user makes an Nx workspace of each major tested: the commands Nx documents, answered non-interactively. */
export const NX_WORKSPACES = {
  // create-nx-workspace makes the directory, installs @nx/js (and with it @nx/devkit) and commits.
  22: { version: '22', create: (name: string) => ['npx', ['-y', 'create-nx-workspace@22', name, '--preset=ts', '--pm=npm', '--nxCloud=skip', '--interactive=false']] as const },
  // nx init in a plain npm package: nx alone, no .gitignore of its own.
  24: { version: '24.0.6', create: (_name: string) => ['npx', ['-y', 'nx@24.0.6', 'init', '--interactive=false']] as const },
} as const;

/**
 * A new Nx workspace made as users make one (create-nx-workspace@22, or
 * `npm init` + `git init` + `nx init` for 24), committed, with nothing of
 * ours installed yet.
 */
export async function makeNxWorkspace(major: keyof typeof NX_WORKSPACES, prefix: string): Promise<string> {
  const parent = mkdtempSync(join(tmpdir(), prefix));
  const how = NX_WORKSPACES[major];
  let ws: string;
  if (major === 22) {
    ws = join(parent, 'ws');
    const [cmd, args] = how.create('ws');
    await runAsyncOk(parent, cmd, args);
  } else {
    ws = parent;
    // A user's npm package: its manifest and the usual .gitignore.
    writeFiles(ws, { '.gitignore': 'node_modules\ndist\n' });
    await runAsyncOk(ws, 'npm', ['init', '-y']);
    const [cmd, args] = how.create('.');
    await runAsyncOk(ws, cmd, args);
  }
  if (!existsSync(join(ws, '.git'))) runOk(ws, 'git', ['init', '-q', '-b', 'main']);
  runOk(ws, 'git', ['add', '-A']);
  runOk(ws, 'git', ['commit', '-q', '--allow-empty', '-m', 'new workspace']);
  return ws;
}

/** `runAsync` that throws with the output when the command fails. */
export async function runAsyncOk(ws: string, cmd: string, args: readonly string[], extra: Record<string, string> = {}): Promise<string> {
  const r = await runAsync(ws, cmd, args, extra);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}) in ${ws}:\n${r.output}`);
  return r.output;
}

/** A command line of the README's Nx section, as a user would type it. */
export interface ReadmeCommand {
  readonly line: string;
  /** `add`: the nx add route; `npm`: npm i -D + nx g init; `setup`: the example project; `quickstart`: the rest. */
  readonly kind: 'add' | 'npm' | 'setup' | 'quickstart';
}

/** Every command of the fenced sh blocks in README.md's `## Nx` section, comments dropped, in order. */
export function readmeNxCommands(readme = readFileSync(join(ROOT, 'README.md'), 'utf8')): ReadmeCommand[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Nx\n'));
  if (!section) throw new Error('README.md has no "## Nx" section');
  const blocks = [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  const lines = blocks.flatMap((b, block) => b.split('\n').map((l) => ({ block, line: l.replace(/\s+#\s.*$/, '').trim() }))).filter((l) => l.line !== '');
  return lines.map(({ line }) => ({
    line,
    kind: line.startsWith('nx add @apko/nx') ? 'add' : line.startsWith('npm i -D @apko/nx') || line === 'nx g @apko/nx:init' ? 'npm' : line.startsWith('nx ') ? 'quickstart' : 'setup',
  }));
}

/** `git add -A && git commit`. */
export function commitAll(ws: string, message: string): void {
  runOk(ws, 'git', ['add', '-A']);
  runOk(ws, 'git', ['commit', '-q', '-m', message]);
}

/** Tasks named in Nx's static output, each with how it finished: `ran` or the cache it came from. */
export function nxTasks(output: string): Map<string, string> {
  const tasks = new Map<string, string>();
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  for (const m of plain.matchAll(/^> nx run (\S+)(?:\s+\[([^\]]+)\])?\s*$/gm)) tasks.set(m[1]!, m[2] ?? 'ran');
  return tasks;
}

/** sha256 of every file under `dir`, by relative path, for byte-for-byte comparisons. */
export function digestTree(dir: string, base = dir, out: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) digestTree(p, base, out);
    else out[p.slice(base.length + 1)] = createHash('sha256').update(readFileSync(p)).digest('hex');
  }
  return out;
}

/** A static C program printing `message`; its build is the `build` target the packaging depends on. */
export function helloC(message: string): string {
  return `#include <stdio.h>\nint main(void) { puts(${JSON.stringify(message)}); return 0; }\n`;
}
