/**
 * Runs the built CLI (dist/, via bin/apko-nx.js) as users do: a real
 * process, its exit code, stdout and stderr.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './env';

/** What a CLI run produced. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export const BIN = join(ROOT, 'bin', 'apko-nx.js');

/** Environment without the caller's SOURCE_DATE_EPOCH, cache dir or CI markers leaking in. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.SOURCE_DATE_EPOCH;
  delete env.APKO_CACHE_DIR;
  delete env.HTTP_AUTH;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Runs `apko-nx <args>` synchronously. */
export function runCli(args: readonly string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; umask?: string }): CliRun {
  const env = opts.env ?? cleanEnv();
  const r = opts.umask
    ? spawnSync('sh', ['-c', `umask ${opts.umask} && exec "$0" "$@"`, process.execPath, BIN, ...args], { cwd: opts.cwd, env, encoding: 'utf8' })
    : spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `apko-nx <args>` as a child process without blocking (for parallel runs). */
export function runCliAsync(args: readonly string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: opts.env ?? cleanEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a command and returns stdout; throws with its stderr when it fails. */
export function sh(cmd: string, args: readonly string[], opts: { cwd?: string; input?: string } = {}): string {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, encoding: 'utf8', input: opts.input, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.error?.message}`);
  return r.stdout;
}
