/**
 * Real file-system and process faults for the battery's files/ and process/
 * cases: small tmpfs mounts that fill up, read-only mounts, a whole-tree
 * snapshot to prove an output is exactly as it was, a package large enough
 * to fill them, and builds run as child processes that a case kills at a
 * point it can see (a file appearing, a line on stderr, a request reaching a
 * server). Every mount is undone by `unmountAll`, which cases call in
 * `afterAll` and `finally`. Test support only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { BIN } from '../../support/cli';
import type { Sandbox } from './sandbox';

const mounts: string[] = [];

function run(cmd: string, args: readonly string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
}

/** Mounts a tmpfs of `size` (as mount(8) takes it, e.g. `2m`) at `at`, creating the directory. */
export function mountTmpfs(at: string, size: string): string {
  mkdirSync(at, { recursive: true });
  run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', at]);
  mounts.push(at);
  return at;
}

/** Makes the mount at `at` read-only. */
export function remountReadOnly(at: string): void {
  run('mount', ['-o', 'remount,ro', at]);
}

/** Binds `src` at `at` read-only. */
export function bindReadOnly(src: string, at: string): string {
  mkdirSync(at, { recursive: true });
  run('mount', ['--bind', src, at]);
  mounts.push(at);
  run('mount', ['-o', 'remount,bind,ro', at]);
  return at;
}

/** Undoes one mount made here (lazily, if something still holds it). */
export function unmount(at: string): void {
  const i = mounts.lastIndexOf(at);
  if (i < 0) return;
  mounts.splice(i, 1);
  if (spawnSync('umount', [at]).status !== 0) spawnSync('umount', ['-l', at]);
}

/** Undoes every mount made here, newest first. */
export function unmountAll(): void {
  while (mounts.length > 0) unmount(mounts[mounts.length - 1]!);
}

/** The battery's tree snapshot, under the names the file and process cases use. */
export { snapshotTree as treeOf, treeDiff } from './tree-snapshot';

/** Names in `dir` that a writer uses for temporaries and stages (none may be left after a finished build). */
export function temporaries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => /\.(tmp|old)-\d+-[0-9a-f]{12}$/.test(n) || n.startsWith('.apko-nx-stage-'));
}

/**
 * A repository `<sandbox>/<name>` holding one package `name` with `mib`
 * MiB of random (incompressible) bytes; returns the path of an apko.yaml
 * that installs it over the sandbox's good repository.
 */
export function bigImageConfig(sb: Sandbox, name: string, mib: number): string {
  const apk = sb.apk({
    name,
    entries: [
      { name: 'usr', type: 'dir' },
      { name: 'usr/share', type: 'dir' },
      { name: `usr/share/${name}`, data: randomBytes(mib << 20) },
    ],
  });
  const repo = sb.repository(`${name}-repo`, [{ apk }]);
  sb.write(`${name}.yaml`, sb.config({ repositories: [repo], packages: [name] }));
  return `${name}.yaml`;
}

/** A CLI run as a child process that a case may kill. */
export interface KillableRun {
  readonly child: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves when the process has ended: its exit code, or the signal that ended it. */
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** Resolves when stderr has matched `pattern` (rejects if the process ends first). */
  line(pattern: RegExp): Promise<void>;
  /** True once the process has ended. */
  ended(): boolean;
}

/** Starts `apko-nx <args>` in the sandbox with its environment. */
export function startCli(sb: Sandbox, args: readonly string[], env: Record<string, string | undefined> = {}): KillableRun {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: sb.dir, env: sb.env(env) });
  let err = '';
  let ended = false;
  const waiters: { pattern: RegExp; resolve: () => void; reject: (e: Error) => void }[] = [];
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of [...waiters]) {
      if (!w.pattern.test(err)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  child.stdout!.resume();
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => {
      ended = true;
      for (const w of waiters.splice(0)) w.reject(new Error(`the build ended before stderr matched ${w.pattern}:\n${err}`));
      resolve({ code, signal, stderr: err });
    });
  });
  const line = (pattern: RegExp): Promise<void> => {
    if (pattern.test(err)) return Promise.resolve();
    if (ended) return Promise.reject(new Error(`the build ended before stderr matched ${pattern}:\n${err}`));
    return new Promise((resolve, reject) => waiters.push({ pattern, resolve, reject }));
  };
  return { child, stderr: () => err, done, line, ended: () => ended };
}

/**
 * Resolves as soon as `found()` is true, checking every few milliseconds, at
 * most `boundMs`; resolves false when the bound passes or `gone()` turns true
 * first (the process ended). A bounded poll of a real event, not a sleep.
 */
export async function until(found: () => boolean, gone: () => boolean, boundMs = 30_000): Promise<boolean> {
  const end = Date.now() + boundMs;
  while (Date.now() < end) {
    if (found()) return true;
    if (gone()) return false;
    await new Promise((r) => setImmediate(r));
  }
  return false;
}

/** A server on 127.0.0.1 serving `root`, that holds every request for a path ending in `hold` and tells who waits. */
export interface HoldingServer {
  readonly origin: string;
  /** Resolves when the first held request has arrived. */
  readonly held: Promise<string>;
  /** Serves held paths from now on. */
  release(): void;
  close(): Promise<void>;
}

/** Serves `root` and never answers requests whose path ends with `hold` (a fetch the case kills the build in). */
export async function holdingServer(root: string, hold: string): Promise<HoldingServer> {
  let arrived!: (path: string) => void;
  const held = new Promise<string>((r) => (arrived = r));
  const open = new Set<import('node:net').Socket>();
  let holding = true;
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (holding && path.endsWith(hold)) {
      arrived(path);
      return;
    }
    readFile(join(root, path)).then(
      (b) => res.writeHead(200, { 'content-length': b.length }).end(b),
      () => res.writeHead(404).end(),
    );
  });
  server.on('connection', (s) => {
    open.add(s);
    s.on('close', () => open.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    held,
    release: () => {
      holding = false;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy();
        server.close(() => r());
      }),
  };
}
