/**
 * The bubblewrap runner, the default (melange's own default runner on Linux):
 * each step runs in `bwrap` with its own mount, PID, IPC, UTS and cgroup
 * namespaces (and a user namespace unless the build runs as root; see
 * namespaceArgs), sharing only the network, as melange does (fetching
 * sources and modules is a build step). What a step sees:
 *
 *   /            read-only: the build environment's root filesystem when the
 *                environment lists packages (prepared by engine/buildroot, as
 *                the chroot runner's), otherwise this machine's own root (the
 *                common monorepo case, building with the host's toolchain);
 *   /home/build  read-write: the workspace, a copy of the source directory;
 *   /tmp         a private tmpfs; /proc and /dev are private too, /proc/sys read-only.
 *
 * On this machine's root, the places that hold other people's data or ways
 * out are hidden behind empty tmpfs mounts: the homes (/home, /root, $HOME),
 * /run (daemon sockets such as docker's, which a read-only mount does not
 * protect), the temp directories, and the checkout (the source and config
 * directories, their git top level, the caller's directory, the output and
 * the cache); the signing key's file, wherever it is, reads as empty. So a
 * melange file written for /home/build works unchanged in both views, and
 * nothing a step writes lands outside the workspace: the engine writes the
 * packages into the output directory itself, after the steps. Mounts a step
 * makes live in its own mount namespace and end with it.
 */
import { promises as fsp } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError } from '../errors';
import { gitAsync } from '../git';
import { compareBytes } from '../order';
import type { StepCapabilities } from './model';
import { findTool, inputsCache, isInside, MELANGE_CACHE_MOUNT, prepareWorkspace, workspacePath, spawnStep, type Runner, type RunnerContext, type RunnerDefinition, type RunnerFacts, type StepResult, type StepRun } from './runner';
import { removeRunnerDir } from './runner-cleanup';
import { prepareBuildRoot, wantsPackages } from './runner-root';

/** The workspace as steps see it, as in melange. */
export const BUBBLEWRAP_WORKSPACE = '/home/build';

const FACTS: RunnerFacts = { isolation: 'namespaces', preparesRoot: 'with-packages' };

/** How to get bubblewrap, or do without it, for every refusal below. */
const INSTALL_HINT =
  'install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap; Alpine: apk add bubblewrap), ' +
  'or choose runner "host" explicitly (--runner host; runner: "host" in the package executor) to run the steps unisolated on this machine';

/** Top-level directories of this machine's root that the steps need to see (never hidden, whatever the checkout's path). */
const SYSTEM_DIRS = new Set(['/', '/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc', '/opt', '/var', '/nix', '/proc', '/dev', '/sys']);

/** Directories of this machine hidden from steps that see its root: absolute, real, existing, outermost first. */
async function hiddenDirs(ctx: RunnerContext): Promise<string[]> {
  const r = ctx.request;
  const configDir = dirname(r.configPath);
  const tops = await Promise.all([r.sourceDir, configDir].map((d) => gitAsync(d, ['rev-parse', '--show-toplevel'])));
  const wanted = ['/home', '/root', homedir(), '/run', '/tmp', '/var/tmp', tmpdir(), r.cwd, r.sourceDir, configDir, r.outDir, r.apkCacheDir, ...tops];
  const real: string[] = [];
  for (const d of wanted) {
    if (d === undefined || d === '') continue;
    const p = await fsp.realpath(d).catch(() => undefined);
    if (p === undefined || SYSTEM_DIRS.has(p) || !(await fsp.stat(p)).isDirectory()) continue;
    real.push(p);
  }
  const sorted = [...new Set(real)].sort((a, b) => a.length - b.length || compareBytes(a, b));
  return sorted.filter((d, i) => !sorted.slice(0, i).some((outer) => isInside(outer, d)));
}

/** The request's secret files (the signing key) outside the hidden directories: each gets /dev/null bound over it. */
async function secretFilesOutside(ctx: RunnerContext, hidden: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const f of ctx.request.secretFiles) {
    const p = await fsp.realpath(f).catch(() => undefined);
    if (p !== undefined && !hidden.some((d) => isInside(d, p))) out.push(p);
  }
  return out;
}

/**
 * What a root step may still do (as in Docker's default set, without
 * CAP_MKNOD, CAP_SYS_CHROOT, CAP_NET_RAW or CAP_SYS_ADMIN): own and mode
 * files as packages record them, switch users. No mount, device node,
 * chroot or sysctl.
 */
const ROOT_STEP_CAPS = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_SETUID', 'CAP_SETGID', 'CAP_SETFCAP', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];

/**
 * The namespaces: a user namespace for a normal user (bwrap's unprivileged
 * mode); for root, none, so a step can chown to any id as packages need
 * (a user namespace maps only the caller's own id), with the capabilities
 * cut to ROOT_STEP_CAPS instead.
 */
function namespaceArgs(asRoot: boolean, caps: StepCapabilities): string[] {
  const ns = ['--unshare-ipc', '--unshare-pid', '--unshare-uts', '--unshare-cgroup-try', '--die-with-parent', '--new-session'];
  if (!asRoot) return [...ns, '--unshare-user'];
  return [...ns, '--cap-drop', 'ALL', ...stepCapabilities(caps).flatMap((c) => ['--cap-add', c])];
}

/** ROOT_STEP_CAPS with the file's `capabilities:` added and dropped (names as bwrap spells them: CAP_NET_ADMIN). */
export function stepCapabilities(caps: StepCapabilities): string[] {
  const drop = new Set(caps.drop);
  return [...new Set([...ROOT_STEP_CAPS, ...caps.add])].filter((c) => !drop.has(c));
}

/**
 * bwrap's arguments for one view: the root, the hidden places, the workspace, /tmp, the inputs cache at
 * /var/cache/melange (on this machine's root behind a tmpfs /var/cache, where the mount point cannot be made),
 * /proc (its sysctls read-only), /dev.
 */
function bwrapArgs(view: { root: string } | { hidden: readonly string[]; secrets: readonly string[] }, hostWorkspace: string, caps: StepCapabilities, cache: string | undefined): string[] {
  // /tmp gets its own tmpfs below in both views.
  const hidden = 'root' in view ? [] : view.hidden.filter((d) => d !== '/tmp');
  const secrets = 'root' in view ? [] : view.secrets.flatMap((f) => ['--ro-bind', '/dev/null', f]);
  const root = 'root' in view ? ['--ro-bind', view.root, '/'] : ['--ro-bind', '/', '/', ...hidden.flatMap((d) => ['--tmpfs', d]), ...secrets];
  const proc = ['--proc', '/proc', '--ro-bind-try', '/proc/sys', '/proc/sys', '--ro-bind-try', '/proc/sysrq-trigger', '/proc/sysrq-trigger'];
  return [
    ...namespaceArgs(process.getuid?.() === 0, caps),
    ...root,
    '--tmpfs', '/tmp',
    '--bind', hostWorkspace, BUBBLEWRAP_WORKSPACE,
    ...(cache === undefined ? [] : [...('root' in view ? [] : ['--tmpfs', '/var/cache']), '--bind', cache, MELANGE_CACHE_MOUNT]),
    ...proc,
    '--dev', '/dev',
    '--chdir', BUBBLEWRAP_WORKSPACE,
  ];
}

/** Refuses what cannot run bubblewrap: not Linux, no bwrap on PATH. */
async function locateBwrap(): Promise<string> {
  if (process.platform !== 'linux') {
    throw new ConfigError(`runner "bubblewrap" needs Linux namespaces, and this machine runs ${process.platform}`, {
      hint: 'build on Linux (a container or VM), or choose runner "host" explicitly (--runner host; runner: "host" in the package executor) to run the steps unisolated',
    });
  }
  const bwrap = await findTool('bwrap');
  if (bwrap === undefined) {
    throw new ConfigError('runner "bubblewrap" (the default) needs bubblewrap, and bwrap is not on PATH; the build does not fall back to running its steps unisolated', {
      hint: INSTALL_HINT,
    });
  }
  return bwrap;
}

/** Prepares the view, copies the sources in, and checks bwrap can start a sandbox here. */
async function startBubblewrapRunner(ctx: RunnerContext): Promise<Runner> {
  const log = ctx.request.log;
  const bwrap = await locateBwrap();
  const caps = ctx.capabilities ?? { add: [], drop: [] };
  if (caps.add.length > 0 && process.getuid?.() !== 0) {
    log(`warning: capabilities: ${caps.add.join(', ')} cannot be added by an unprivileged bubblewrap sandbox; the steps run without them (build as root to grant them)`);
  }
  const dir = await fsp.mkdtemp(join(tmpdir(), 'apko-nx-melange-bwrap-'));
  try {
    const cache = await inputsCache(ctx);
    let args: string[];
    if (wantsPackages(ctx)) {
      const root = join(dir, 'root');
      await fsp.mkdir(root);
      await prepareBuildRoot(ctx, root, [BUBBLEWRAP_WORKSPACE, 'tmp', 'proc', 'dev', ...(cache !== undefined ? [MELANGE_CACHE_MOUNT] : [])]);
      args = bwrapArgs({ root }, workspacePath(ctx, join(dir, 'build')), caps, cache);
      log('runner "bubblewrap": steps see the build environment read-only, with /home/build (the workspace) and a private /tmp writable');
    } else {
      const hidden = await hiddenDirs(ctx);
      args = bwrapArgs({ hidden, secrets: await secretFilesOutside(ctx, hidden) }, workspacePath(ctx, join(dir, 'build')), caps, cache);
      log("runner \"bubblewrap\": steps see this machine's root read-only (homes, /run, temp directories and the checkout hidden), with /home/build (the workspace) and a private /tmp writable");
    }
    const ws = await prepareWorkspace(ctx, join(dir, 'build'));
    const spawnIn = (script: string, onLine: (l: string) => void, env: Readonly<Record<string, string>>, signal?: AbortSignal) =>
      spawnStep(bwrap, [...args, '--', '/bin/sh', '-c', script], { env, cwd: '/', onLine, ...(signal ? { signal } : {}) });
    const probe = await spawnIn('exit 0', () => undefined, { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' });
    if (probe.exitCode !== 0) {
      throw new ConfigError(`bubblewrap (${bwrap}) cannot start a sandbox on this machine: ${probe.tail.join(' ') || `exit status ${probe.exitCode ?? probe.signal}`}`, {
        hint: 'bubblewrap needs user namespaces: run as root, or allow them for users (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 kernel.apparmor_restrict_unprivileged_userns=0); ' +
          'or choose runner "host" explicitly (--runner host) to run the steps unisolated',
      });
    }
    return {
      facts: FACTS,
      workspace: BUBBLEWRAP_WORKSPACE,
      hostWorkspace: ws,
      // Steps run as this process's user: a user namespace maps it to itself, and root keeps its ids.
      stepUser: { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
      cacheDir: (name) => (cache !== undefined ? `${MELANGE_CACHE_MOUNT}/${name}` : `${BUBBLEWRAP_WORKSPACE}/.cache/${name}`),
      run: (step: StepRun): Promise<StepResult> => spawnIn(step.script, log, step.env, step.signal),
      dispose: async () => {
        await removeRunnerDir(dir, log);
        if (ctx.request.workspaceDir !== undefined) await removeRunnerDir(ws, log);
      },
    };
  } catch (err) {
    await removeRunnerDir(dir, log);
    throw err;
  }
}

/** `bubblewrap`: private namespaces but the network, only the workspace and /tmp writable; no root needed. */
export const bubblewrapRunner: RunnerDefinition = { facts: FACTS, start: startBubblewrapRunner };
